using TransferLearning.ImageClassification.Data;
using TransferLearning.ImageClassification.Evaluation;

namespace TransferLearning.ImageClassification.Classification;

/// <summary>Metrics of a classifier on a labelled set, and the images that could not be used.</summary>
public sealed class EvaluationResult
{
    internal EvaluationResult(ClassificationMetrics metrics, IReadOnlyList<SkippedImage> skipped)
    {
        Metrics = metrics;
        Skipped = skipped;
    }

    /// <summary>Accuracy, log-loss, per-class metrics and confusion matrix.</summary>
    public ClassificationMetrics Metrics { get; }

    /// <summary>Images left out, with the reason.</summary>
    public IReadOnlyList<SkippedImage> Skipped { get; }

    /// <summary>Classes without test images, metrics that are not numbers, and other things that deserve a
    /// look.</summary>
    public IReadOnlyList<string> Warnings { get; internal init; } = [];
}
