using TransferLearning.ImageClassification.IO;

namespace TransferLearning.ImageClassification.Novelty;

/// <summary>
/// How the novelty detector that every trained classifier carries is calibrated (see
/// <see cref="Classification.Prediction.Novelty"/>). Immutable. The detector is fitted on the training part's features
/// after the head, and its threshold chosen on the validation part.
/// </summary>
public sealed class NoveltyOptions
{
    /// <summary>The share of in-distribution validation images the threshold accepts as familiar (default 0.95: one
    /// familiar image in 20 is flagged, the usual operating point, "FPR at 95% TPR").</summary>
    public double Acceptance { get; init; } = 0.95;

    /// <summary>Where distances are measured: on features scaled to length 1, the best of the three spaces measured
    /// (docs/benchmarks.md, "Novelty"); the benchmark tries the others.</summary>
    internal NoveltySpace Space { get; init; } = NoveltySpace.Normalized;

    internal IReadOnlyList<string> Errors() => new OptionErrors()
        .Require(Acceptance is > 0 and <= 1, nameof(Acceptance), "must lie in (0, 1]", Acceptance)
        .All;

    internal void Validate() => OptionErrors.ThrowIfAny(nameof(NoveltyOptions), Errors());
}
