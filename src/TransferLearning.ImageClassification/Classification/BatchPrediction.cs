using System.Diagnostics.CodeAnalysis;

namespace TransferLearning.ImageClassification.Classification;

/// <summary>One image's answer within a batch: its prediction, or the reason it could not be used.</summary>
public sealed class BatchPrediction
{
    internal BatchPrediction(Prediction? prediction, string? error)
    {
        Prediction = prediction;
        Error = error;
    }

    /// <summary>The prediction; null when the image could not be used.</summary>
    public Prediction? Prediction { get; }

    /// <summary>Why the image could not be used (unreadable, not an image, over
    /// <see cref="Preprocessing.ImageLimits"/>); null on success.</summary>
    public string? Error { get; }

    /// <summary>Whether the image was classified.</summary>
    [MemberNotNullWhen(true, nameof(Prediction))]
    public bool Succeeded => Prediction is not null;
}
