using TransferLearning.ImageClassification.Training;

namespace TransferLearning.ImageClassification.Experiments;

/// <summary>One row of a comparison: a backbone and a head trained on the same split as every other row.</summary>
public sealed class ExperimentEntry
{
    internal ExperimentEntry(
        string backbone,
        string head,
        int featureSize,
        long backboneBytes,
        long headBytes,
        TrainingReport report)
    {
        Backbone = backbone;
        Head = head;
        FeatureSize = featureSize;
        BackboneBytes = backboneBytes;
        HeadBytes = headBytes;
        Report = report;
    }

    /// <summary>Backbone name.</summary>
    public string Backbone { get; }

    /// <summary>Head recipe name.</summary>
    public string Head { get; }

    /// <summary>Features per image.</summary>
    public int FeatureSize { get; }

    /// <summary>Size of the backbone's ONNX file.</summary>
    public long BackboneBytes { get; }

    /// <summary>Size of the trained head's parameters (what a saved model adds to the backbone).</summary>
    public long HeadBytes { get; }

    /// <summary>Everything a training run reports: counts, metrics before and after, history, timings.</summary>
    public TrainingReport Report { get; }
}

/// <summary>The comparison: one entry per backbone and head, in the order asked for.</summary>
public sealed class ExperimentResult
{
    internal ExperimentResult(IReadOnlyList<ExperimentEntry> entries, double featurizeSeconds)
    {
        Entries = entries;
        FeaturizeSeconds = featurizeSeconds;
    }

    /// <summary>The rows.</summary>
    public IReadOnlyList<ExperimentEntry> Entries { get; }

    /// <summary>Wall time of featurizing every image for every backbone in one pass.</summary>
    public double FeaturizeSeconds { get; }

    /// <summary>The row with the best test accuracy (ties: the first), or null without test images.</summary>
    public ExperimentEntry? Best => Entries.Where(e => e.Report.Test is not null).MaxBy(e => e.Report.Test!.Accuracy);
}
