namespace TransferLearning.ImageClassification.Data;

/// <summary>The three disjoint parts of a data set.</summary>
public sealed class DatasetSplit
{
    internal DatasetSplit(
        IReadOnlyList<LabeledImage> train,
        IReadOnlyList<LabeledImage> validation,
        IReadOnlyList<LabeledImage> test)
    {
        Train = train;
        Validation = validation;
        Test = test;
    }

    /// <summary>Images the head is trained on.</summary>
    public IReadOnlyList<LabeledImage> Train { get; }

    /// <summary>Images for early stopping and the validation curve.</summary>
    public IReadOnlyList<LabeledImage> Validation { get; }

    /// <summary>Images held out for the final evaluation.</summary>
    public IReadOnlyList<LabeledImage> Test { get; }
}
