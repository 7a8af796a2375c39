using TransferLearning.ImageClassification.Data;
using TransferLearning.ImageClassification.Evaluation;
using TransferLearning.ImageClassification.Features;
using TransferLearning.ImageClassification.Head;

namespace TransferLearning.ImageClassification.Training;

/// <summary>The split's parts as features: skipped images left out, labels as class indices.</summary>
internal sealed class SplitFeatures
{
    private readonly IReadOnlyList<string> _classes;
    private readonly FeaturizationResult _result;
    private readonly (int At, int Label)[][] _parts; // train, validation, test: index into the result, class index

    /// <summary>Images whose label is not among <paramref name="classes"/> (a dropped class) are left out like skipped
    /// ones.</summary>
    public SplitFeatures(IReadOnlyList<string> classes, DatasetSplit split, FeaturizationResult result)
    {
        var classIndex = classes.Select((name, k) => (name, k))
            .ToDictionary(c => c.name, c => c.k, StringComparer.Ordinal);
        var at = 0;
        _parts = [.. new[] { split.Train, split.Validation, split.Test }.Select(part => part
            .Select(image => (At: at++, Label: classIndex.GetValueOrDefault(image.Label, -1)))
            .Where(row => row.Label >= 0 && result.Features[row.At] is not null)
            .ToArray())];
        (_classes, _result) = (classes, result);
    }

    public int Count(int part) => _parts[part].Length;

    /// <summary>A part's images: their index in the featurized list and their class index.</summary>
    public IReadOnlyList<(int At, int Label)> Rows(int part) => _parts[part];

    /// <summary>A part's examples for training: every view (the image, its mirror image) is an example of its
    /// own.</summary>
    public LabeledFeatures Examples(int part)
    {
        var rows = _parts[part];
        IReadOnlyList<float[]?>[] views = _result.MirroredFeatures is { } mirrored ? [_result.Features, mirrored]
            : [_result.Features];
        return new LabeledFeatures(
            views.SelectMany(view => rows.Select(r => view[r.At]!)).ToArray(),
            views.SelectMany(_ => rows.Select(r => r.Label)).ToArray());
    }

    /// <summary>Each image of a part as its feature vectors (its views back to back), as prediction sees it.</summary>
    public IReadOnlyList<float[]> Views(int part) => [.. _parts[part].Select(r => _result.Views(r.At))];

    /// <summary>Test metrics of the untrained and the trained head, averaging over views as prediction does; nulls
    /// without test images.</summary>
    public (ClassificationMetrics?, ClassificationMetrics?) Evaluate(IClassifierHead? initial, IClassifierHead trained)
    {
        var test = _parts[2];
        if (test.Length == 0) return (null, null);
        var labels = test.Select(r => r.Label).ToArray();
        ClassificationMetrics Score(IClassifierHead head) =>
            ClassifierEvaluator.Evaluate(
                labels, test.Select(r => head.PredictMean(_result.Views(r.At))).ToArray(), _classes);
        return (initial is null ? null : Score(initial), Score(trained));
    }
}
