using Microsoft.ML;
using Microsoft.ML.Data;

namespace TransferLearning.ImageClassification.Evaluation;

/// <summary>Scores → metrics through ML.NET's multiclass evaluator, so the numbers mean what they mean in
/// ML.NET.</summary>
public static class ClassifierEvaluator
{
    private static readonly MLContext Context = new(seed: 0);

    /// <summary>Evaluates class probabilities against the true class indices.</summary>
    /// <param name="labels">True class index of each example.</param>
    /// <param name="probabilities">Class probabilities of each example, in class order.</param>
    /// <param name="classes">Class names, in class order.</param>
    /// <param name="topK">k of the top-k accuracy (clamped to the class count).</param>
    public static ClassificationMetrics Evaluate(
        IReadOnlyList<int> labels, IReadOnlyList<float[]> probabilities, IReadOnlyList<string> classes, int topK = 3)
    {
        ArgumentNullException.ThrowIfNull(labels);
        ArgumentNullException.ThrowIfNull(probabilities);
        ArgumentNullException.ThrowIfNull(classes);
        if (labels.Count == 0 || labels.Count != probabilities.Count)
            throw new ArgumentException("Need one probability vector per label, and at least one (got " +
                $"{labels.Count} labels, {probabilities.Count} vectors).");
        topK = Math.Clamp(topK, 1, classes.Count);

        var classCount = (ulong)classes.Count;
        var schema = SchemaDefinition.Create(typeof(ScoredRow));
        schema[nameof(ScoredRow.Label)].ColumnType = new KeyDataViewType(typeof(uint), classCount);
        schema[nameof(ScoredRow.PredictedLabel)].ColumnType = new KeyDataViewType(typeof(uint), classCount);
        schema[nameof(ScoredRow.Score)].ColumnType = new VectorDataViewType(NumberDataViewType.Single, classes.Count);
        // Keys are 1-based inside ML.NET (0 = missing), but LoadFromEnumerable takes key columns 0-based and shifts
        // them itself.
        var rows = labels.Select((label, i) => new ScoredRow
        {
            Label = (uint)label,
            Score = probabilities[i],
            PredictedLabel = (uint)Array.IndexOf(probabilities[i], probabilities[i].Max()),
        });
        var data = Context.Data.LoadFromEnumerable(rows, schema);
        var metrics = Context.MulticlassClassification.Evaluate(data, topKPredictionCount: topK);

        var matrix = metrics.ConfusionMatrix;
        var counts = matrix.Counts.Select(row => (IReadOnlyList<int>)row.Select(c => (int)c).ToArray()).ToArray();
        var perClass = classes.Select((name, k) =>
        {
            var (precision, recall) = (matrix.PerClassPrecision[k], matrix.PerClassRecall[k]);
            var f1 = precision + recall > 0 ? 2 * precision * recall / (precision + recall) : 0;
            return new ClassMetrics(name, precision, recall, f1, counts[k].Sum());
        }).ToArray();
        return new ClassificationMetrics(
            metrics.MicroAccuracy, metrics.MacroAccuracy, metrics.LogLoss, metrics.TopKAccuracy, topK, perClass, counts,
            labels.Count,
            // AUC and the rest are undefined unless both classes occur (ML.NET throws): then there are no binary
            // metrics.
            classes.Count == 2 && labels.Distinct().Count() == 2
                ? EvaluateBinary(labels, probabilities, classes[1], threshold: 0.5f) : null);
    }

    private static BinaryMetrics EvaluateBinary(
        IReadOnlyList<int> labels, IReadOnlyList<float[]> probabilities, string positiveClass, float threshold)
    {
        // ML.NET's binary evaluator calls a row positive when its Score is above 0: use log-odds relative to the
        // threshold.
        static float LogOdds(float p) =>
            MathF.Log(Math.Clamp(p, 1e-7f, 1 - 1e-7f) / (1 - Math.Clamp(p, 1e-7f, 1 - 1e-7f)));
        var rows = labels.Select((label, i) => new BinaryRow
        {
            Label = label == 1,
            Score = LogOdds(probabilities[i][1]) - LogOdds(threshold),
            Probability = probabilities[i][1],
            PredictedLabel = probabilities[i][1] >= threshold,
        });
        var metrics = Context.BinaryClassification.Evaluate(Context.Data.LoadFromEnumerable(rows));
        return new BinaryMetrics(
            positiveClass, threshold, metrics.AreaUnderRocCurve, metrics.AreaUnderPrecisionRecallCurve,
            metrics.F1Score, metrics.PositivePrecision, metrics.PositiveRecall);
    }

    private sealed class BinaryRow
    {
        public bool Label { get; set; }
        public float Score { get; set; }
        public float Probability { get; set; }
        public bool PredictedLabel { get; set; }
    }

    private sealed class ScoredRow
    {
        public uint Label { get; set; }
        public float[] Score { get; set; } = [];
        public uint PredictedLabel { get; set; }
    }
}
