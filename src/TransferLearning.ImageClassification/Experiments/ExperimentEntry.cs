using TransferLearning.ImageClassification.Training;

namespace TransferLearning.ImageClassification.Experiments;

/// <summary>
/// One row of a comparison: a backbone and a head (named in <see cref="TrainingReport.Backbone"/> and
/// <see cref="TrainingReport.Head"/>) trained on the same split as every other row.
/// </summary>
public sealed class ExperimentEntry
{
    internal ExperimentEntry(int featureSize, long backboneBytes, long headBytes, TrainingReport report)
    {
        FeatureSize = featureSize;
        BackboneBytes = backboneBytes;
        HeadBytes = headBytes;
        Report = report;
    }

    /// <summary>Features per image.</summary>
    public int FeatureSize { get; }

    /// <summary>Size of the backbone's ONNX file.</summary>
    public long BackboneBytes { get; }

    /// <summary>Size of the trained head's parameters (what a saved model adds to the backbone).</summary>
    public long HeadBytes { get; }

    /// <summary>Everything a training run reports: counts, metrics before and after, history, timings.</summary>
    public TrainingReport Report { get; }
}
