namespace TransferLearning.ImageClassification.Experiments;

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
