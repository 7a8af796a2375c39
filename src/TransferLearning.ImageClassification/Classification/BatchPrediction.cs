namespace TransferLearning.ImageClassification.Classification;

/// <summary>One image's answer within a batch: its prediction, or the reason it could not be used.</summary>
/// <param name="Prediction">The prediction; null when the image could not be used.</param>
/// <param name="Error">Why the image could not be used (unreadable, not an image, over <see cref="Preprocessing.ImageLimits"/>); null on success.</param>
public sealed record BatchPrediction(Prediction? Prediction, string? Error)
{
    /// <summary>Whether the image was classified.</summary>
    public bool Succeeded => Prediction is not null;
}
