using TransferLearning.ImageClassification.Training;

namespace TransferLearning.ImageClassification.Experiments;

/// <summary>One row of a comparison: a backbone and a head trained on the same split as every other row.</summary>
/// <param name="Backbone">Backbone name.</param>
/// <param name="Head">Head recipe name.</param>
/// <param name="FeatureSize">Features per image.</param>
/// <param name="BackboneBytes">Size of the backbone's ONNX file.</param>
/// <param name="HeadBytes">Size of the trained head's parameters (what a saved model adds to the backbone).</param>
/// <param name="Report">Everything a training run reports: counts, metrics before and after, history, timings.</param>
public sealed record ExperimentEntry(string Backbone, string Head, int FeatureSize, long BackboneBytes, long HeadBytes, TrainingReport Report);

/// <summary>The comparison: one entry per backbone and head, in the order asked for.</summary>
/// <param name="Entries">The rows.</param>
/// <param name="FeaturizeSeconds">Wall time of featurizing every image for every backbone in one pass.</param>
public sealed record ExperimentResult(IReadOnlyList<ExperimentEntry> Entries, double FeaturizeSeconds)
{
    /// <summary>The row with the best test accuracy (ties: the first), or null without test images.</summary>
    public ExperimentEntry? Best => Entries.Where(e => e.Report.Test is not null).MaxBy(e => e.Report.Test!.Accuracy);
}
