using Microsoft.ML;
using TransferLearning.ImageClassification.Data;

namespace TransferLearning.ImageClassification.Evaluation;

/// <summary>Novelty scores of familiar and unfamiliar images → <see cref="NoveltyMetrics"/>; any score where higher
/// means less familiar (the detector's, or a baseline's such as minus the largest probability).</summary>
internal static class NoveltyEvaluator
{
    private static readonly MLContext Context = new(seed: 0);

    public static NoveltyMetrics Evaluate(IReadOnlyList<float> familiar, IReadOnlyList<float> unfamiliar,
        float? threshold = null, IReadOnlyList<SkippedImage>? skipped = null)
    {
        if (familiar.Count == 0 || unfamiliar.Count == 0)
            throw new ArgumentException("Both familiar and unfamiliar images are needed to measure novelty.");
        var at95 = Novelty.NoveltyDetector.Accepting(familiar, 0.95);
        // The area under the curve reads the scores alone; the evaluator also wants a verdict per row.
        var rows = familiar.Select(s => new Row { Label = false, Score = s, PredictedLabel = s > at95 })
            .Concat(unfamiliar.Select(s => new Row { Label = true, Score = s, PredictedLabel = s > at95 }));
        var auc = Context.BinaryClassification.EvaluateNonCalibrated(Context.Data.LoadFromEnumerable(rows))
            .AreaUnderRocCurve;
        return new NoveltyMetrics(auc, Share(unfamiliar, s => s <= at95),
            threshold is { } t ? Share(unfamiliar, s => s > t) : null,
            threshold is { } u ? Share(familiar, s => s <= u) : null,
            familiar.Count, unfamiliar.Count, skipped ?? []);
    }

    private static double Share(IReadOnlyList<float> scores, Func<float, bool> counted) =>
        scores.Count(counted) / (double)scores.Count;

    private sealed class Row
    {
        public bool Label { get; set; }

        public float Score { get; set; }

        public bool PredictedLabel { get; set; }
    }
}
