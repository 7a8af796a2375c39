using TransferLearning.ImageClassification.Data;

namespace TransferLearning.ImageClassification.Evaluation;

/// <summary>How well a novelty score tells familiar images (of the classes) from unfamiliar ones (of none).</summary>
public sealed class NoveltyMetrics
{
    internal NoveltyMetrics(double areaUnderRocCurve, double falsePositiveRateAt95, double? unfamiliarFlagged,
        double? familiarAccepted, int familiar, int unfamiliar, IReadOnlyList<SkippedImage> skipped)
    {
        AreaUnderRocCurve = areaUnderRocCurve;
        FalsePositiveRateAt95 = falsePositiveRateAt95;
        UnfamiliarFlagged = unfamiliarFlagged;
        FamiliarAccepted = familiarAccepted;
        Familiar = familiar;
        Unfamiliar = unfamiliar;
        Skipped = skipped;
    }

    /// <summary>The chance that an unfamiliar image scores higher than a familiar one (ML.NET's binary evaluator,
    /// unfamiliar as the positive class): 1 separates them perfectly, 0.5 is chance.</summary>
    public double AreaUnderRocCurve { get; }

    /// <summary>The share of unfamiliar images a threshold accepting 95% of these familiar images would still accept
    /// ("FPR at 95% TPR", lower is better).</summary>
    public double FalsePositiveRateAt95 { get; }

    /// <summary>The share of unfamiliar images the model's own threshold flags; null for a score without one.</summary>
    public double? UnfamiliarFlagged { get; }

    /// <summary>The share of familiar images the model's own threshold accepts; null for a score without one.</summary>
    public double? FamiliarAccepted { get; }

    /// <summary>Familiar images scored.</summary>
    public int Familiar { get; }

    /// <summary>Unfamiliar images scored.</summary>
    public int Unfamiliar { get; }

    /// <summary>Images that could not be used.</summary>
    public IReadOnlyList<SkippedImage> Skipped { get; }
}
