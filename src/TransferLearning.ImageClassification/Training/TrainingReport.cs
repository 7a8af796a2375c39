using TransferLearning.ImageClassification.Data;
using TransferLearning.ImageClassification.Evaluation;
using TransferLearning.ImageClassification.Head;

namespace TransferLearning.ImageClassification.Training;

/// <summary>Everything a training run measured; serialises to the CLI's JSON report.</summary>
public sealed class TrainingReport
{
    internal TrainingReport(
        string backbone,
        string device,
        string imageSize,
        ImageCounts counts,
        IReadOnlyList<SkippedImage> skipped,
        ClassificationMetrics? initial,
        ClassificationMetrics? test,
        IReadOnlyList<EpochMetrics> history,
        Timings timings)
    {
        Backbone = backbone;
        Device = device;
        ImageSize = imageSize;
        Counts = counts;
        Skipped = skipped;
        Initial = initial;
        Test = test;
        History = history;
        Timings = timings;
    }

    /// <summary>Backbone name.</summary>
    public string Backbone { get; }

    /// <summary>Where the backbone ran: "cpu" or "cuda:N".</summary>
    public string Device { get; }

    /// <summary>Backbone input size, e.g. "224x224".</summary>
    public string ImageSize { get; }

    /// <summary>Images per part, and how many were skipped.</summary>
    public ImageCounts Counts { get; }

    /// <summary>Images left out, with the reason.</summary>
    public IReadOnlyList<SkippedImage> Skipped { get; }

    /// <summary>Test metrics of the untrained head, the article's "before training" (null without test images, or
    /// for a head that has no untrained state, such as an ML.NET trainer's).</summary>
    public ClassificationMetrics? Initial { get; }

    /// <summary>Test metrics of the trained classifier (null without test images).</summary>
    public ClassificationMetrics? Test { get; }

    /// <summary>Per-epoch training and validation loss and accuracy.</summary>
    public IReadOnlyList<EpochMetrics> History { get; }

    /// <summary>Where the time went.</summary>
    public Timings Timings { get; }

    /// <summary>Name of the head recipe, e.g. "dense" or "lbfgs-maxent".</summary>
    public string Head { get; internal init; } = "dense";

    /// <summary>How the backbone ran: "fp32", or "int8" (TransferClassifierBuilder.WithInt8).</summary>
    public string Precision { get; internal init; } = "fp32";

    /// <summary>
    /// What trained but deserves a look: folders passed over, classes dropped or missing from a part of the split,
    /// one image filed twice, metrics that are not numbers. Also logged as warnings.
    /// </summary>
    public IReadOnlyList<string> Warnings { get; internal init; } = [];

    /// <summary>The novelty detector fitted after the head: its threshold and acceptance; null when it was turned off
    /// (<see cref="TransferClassifierBuilder.WithoutNovelty"/>).</summary>
    public Novelty.NoveltyReport? Novelty { get; internal init; }

    /// <summary>What fine-tuning did; null when the backbone stayed frozen (no <c>WithFineTuning</c>).</summary>
    public FineTuningReport? FineTuning { get; internal init; }

    /// <summary>This report after fine-tuning: the final model's test metrics, history and novelty calibration, the
    /// fine-tuning section, and everything else as the frozen run measured it.</summary>
    internal TrainingReport FineTuned(ClassificationMetrics? test, IReadOnlyList<EpochMetrics> history,
        Novelty.NoveltyReport? novelty, FineTuningReport fineTuning, IReadOnlyList<string> warnings) =>
        new(Backbone, Device, ImageSize, Counts, Skipped, Initial, test, history, Timings)
        {
            Head = Head,
            Precision = Precision,
            Warnings = [.. Warnings, .. warnings],
            Novelty = novelty,
            FineTuning = fineTuning,
        };
}
