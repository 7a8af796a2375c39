using TransferLearning.ImageClassification.Data;
using TransferLearning.ImageClassification.Evaluation;
using TransferLearning.ImageClassification.Head;

namespace TransferLearning.ImageClassification.Training;

/// <summary>Everything a training run measured; serialises to the CLI's JSON report.</summary>
/// <param name="Backbone">Backbone name.</param>
/// <param name="Device">Where the backbone ran: "cpu" or "cuda:N".</param>
/// <param name="ImageSize">Backbone input size, e.g. "224x224".</param>
/// <param name="Counts">Images per part, and how many were skipped.</param>
/// <param name="Skipped">Images left out, with the reason.</param>
/// <param name="Initial">Test metrics of the untrained head (the article's "before training").</param>
/// <param name="Test">Test metrics of the trained classifier (null without test images).</param>
/// <param name="History">Per-epoch training and validation loss and accuracy.</param>
/// <param name="Timings">Where the time went.</param>
public sealed record TrainingReport(
    string Backbone,
    string Device,
    string ImageSize,
    ImageCounts Counts,
    IReadOnlyList<SkippedImage> Skipped,
    InitialMetrics? Initial,
    ClassificationMetrics? Test,
    IReadOnlyList<EpochMetrics> History,
    Timings Timings)
{
    /// <summary>Name of the head recipe, e.g. "dense" or "lbfgs-maxent".</summary>
    public string Head { get; init; } = "dense";

    /// <summary>How the backbone ran: "fp32", or "int8" (TransferClassifierBuilder.WithInt8).</summary>
    public string Precision { get; init; } = "fp32";

    /// <summary>
    /// What trained but deserves a look: folders passed over, classes dropped or missing from a part of the split,
    /// one image filed twice, metrics that are not numbers. Also logged as warnings.
    /// </summary>
    public IReadOnlyList<string> Warnings { get; init; } = [];
}
