namespace TransferLearning.ImageClassification.Data;

/// <summary>An image that was left out of a run, and why.</summary>
/// <param name="Path">Path of the image file.</param>
/// <param name="Reason">Why it could not be used, e.g. "not a supported image format".</param>
public sealed record SkippedImage(string Path, string Reason);
