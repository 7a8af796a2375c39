namespace TransferLearning.ImageClassification.Head;

/// <summary>
/// A way to train a head on cached bottleneck features: <see cref="HeadOptions"/> (this library's dense head) or
/// <see cref="MLNetHeadOptions"/> (any ML.NET multiclass trainer). Comparisons run several on the same features.
/// Only this library implements it.
/// </summary>
public interface IHeadRecipe
{
    /// <summary>Short name for reports, e.g. "dense" or "lbfgs-maxent".</summary>
    string Name { get; }

    /// <summary>Trains a head.</summary>
    /// <param name="train">Training features and labels.</param>
    /// <param name="validation">Validation features and labels (early stopping, history), or null.</param>
    /// <param name="classCount">Number of classes (labels are 0 … classCount − 1).</param>
    /// <param name="onEpoch">Called after each epoch by heads trained in epochs.</param>
    /// <param name="cancellationToken">Stops training.</param>
    TrainedHead Train(
        LabeledFeatures train, LabeledFeatures? validation, int classCount, Action<EpochMetrics>? onEpoch,
        CancellationToken cancellationToken);

    /// <summary>
    /// Throws an <see cref="ArgumentException"/> naming every invalid setting. Internal, so that only this library's
    /// recipes implement the interface: a saved model must know how to store the head a recipe makes.
    /// </summary>
    internal void Validate();
}
