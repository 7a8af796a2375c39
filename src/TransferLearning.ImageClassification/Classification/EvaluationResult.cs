using TransferLearning.ImageClassification.Data;
using TransferLearning.ImageClassification.Evaluation;

namespace TransferLearning.ImageClassification.Classification;

/// <summary>Metrics of a classifier on a labelled set, and the images that could not be used.</summary>
/// <param name="Metrics">Accuracy, log-loss, per-class metrics and confusion matrix.</param>
/// <param name="Skipped">Images left out, with the reason.</param>
public sealed record EvaluationResult(ClassificationMetrics Metrics, IReadOnlyList<SkippedImage> Skipped)
{
    /// <summary>Classes without test images, metrics that are not numbers, and other things that deserve a look.</summary>
    public IReadOnlyList<string> Warnings { get; init; } = [];
}
