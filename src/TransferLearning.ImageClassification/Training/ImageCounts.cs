namespace TransferLearning.ImageClassification.Training;

/// <summary>Images used per part of the split, and images skipped.</summary>
/// <param name="Train">Training images.</param>
/// <param name="Validation">Validation images.</param>
/// <param name="Test">Test images.</param>
/// <param name="Skipped">Images that could not be used.</param>
public sealed record ImageCounts(int Train, int Validation, int Test, int Skipped);
