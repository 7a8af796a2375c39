using TransferLearning.ImageClassification.Data;
using TransferLearning.ImageClassification.Features;

namespace TransferLearning.ImageClassification.Training;

/// <summary>
/// A step after the head has trained on frozen features that trains the backbone too. Its implementation lives in the
/// FineTuning package (it needs LibTorch), which plugs it into <see cref="TransferClassifierBuilder"/>; the core only
/// calls it.
/// </summary>
internal interface IBackboneTuning
{
    /// <summary>Checks, when the builder builds, that the step can run with these settings.</summary>
    /// <exception cref="InvalidOperationException">It cannot; the message says why and what to change.</exception>
    void Validate(TrainingSettings settings);

    /// <summary>The fine-tuned classifier and its report, or the frozen ones when fine-tuning did not help.</summary>
    Task<TrainingResult> TuneAsync(FrozenRun frozen, CancellationToken cancellationToken);
}

/// <summary>What the frozen run left for fine-tuning: its split, features and result.</summary>
/// <param name="Settings">The builder's settings.</param>
/// <param name="Split">The split, in the order of <paramref name="Features"/> (train, validation, test).</param>
/// <param name="Features">The frozen backbone's features, null for skipped images.</param>
/// <param name="Result">The classifier trained on them, and its report.</param>
internal sealed record FrozenRun(
    TrainingSettings Settings, DatasetSplit Split, FeaturizationResult Features, TrainingResult Result);
