namespace TransferLearning.ImageClassification.Data;

/// <summary>An image file and the class it belongs to.</summary>
/// <param name="Path">Path of the image file.</param>
/// <param name="Label">Name of the image's class.</param>
public sealed record LabeledImage(string Path, string Label);
