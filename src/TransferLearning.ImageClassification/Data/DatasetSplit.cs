namespace TransferLearning.ImageClassification.Data;

/// <summary>The three disjoint parts of a data set.</summary>
/// <param name="Train">Images the head is trained on.</param>
/// <param name="Validation">Images for early stopping and the validation curve.</param>
/// <param name="Test">Images held out for the final evaluation.</param>
public sealed record DatasetSplit(
    IReadOnlyList<LabeledImage> Train,
    IReadOnlyList<LabeledImage> Validation,
    IReadOnlyList<LabeledImage> Test);
