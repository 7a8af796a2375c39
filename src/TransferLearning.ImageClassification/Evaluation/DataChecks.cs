using TransferLearning.ImageClassification.Data;
using TransferLearning.ImageClassification.Features;

namespace TransferLearning.ImageClassification.Evaluation;

/// <summary>
/// Data that trains but would mislead: parts of the split a class is missing from, one image filed twice, metrics
/// that are not numbers. Each finding is a sentence for the log and the training report's <c>Warnings</c>.
/// </summary>
internal static class DataChecks
{
    private const int MaxListed = 10;

    public static IEnumerable<string> SplitGaps(DatasetSplit split, IReadOnlyList<string> classes)
    {
        if (split.Validation.Count == 0)
            yield return "No validation images: no early stopping and no validation curve (each class needs about 10 " +
                "images for one).";
        else if (Missing(split.Validation, classes) is { Length: > 0 } noValidation)
            yield return $"{noValidation.Length} of {classes.Count} classes have no validation image: " +
                $"{List(noValidation)}.";
        if (split.Test.Count == 0)
            yield return "No test images: the report has no test metrics (give a test folder, or each class about 10 " +
                "images).";
        else if (Missing(split.Test, classes) is { Length: > 0 } noTest)
            yield return $"{noTest.Length} of {classes.Count} classes have no test image, so their test recall is " +
                $"undefined: {List(noTest)}.";
    }

    /// <summary>Usable files with the same bytes under two labels, or in two parts of the split (which inflates test
    /// scores).</summary>
    public static IEnumerable<string> Duplicates(DatasetSplit split, FeaturizationResult features)
    {
        if (features.ContentHashes is not { } hashes) yield break;
        var rows = new[] { ("train", split.Train), ("validation", split.Validation), ("test", split.Test) }
            .SelectMany(part => part.Item2.Select(image => (Part: part.Item1, Image: image)))
            .Select((row, at) => (row.Part, row.Image, Hash: hashes[at], Used: features.Features[at] is not null))
            .Where(row => row.Used);
        var findings = rows.GroupBy(row => row.Hash, StringComparer.Ordinal)
            .Select(group => (Labels: group.Select(r => r.Image.Label).Distinct().ToArray(), Parts: group
                .Select(r => r.Part).Distinct().ToArray(), Paths: group.Select(r => r.Image.Path).ToArray()))
            .Where(group => group.Labels.Length > 1 || group.Parts.Length > 1)
            .Select(group => group.Labels.Length > 1
                ? $"The same image is labelled {string.Join(" and ", group.Labels)}: {List(group.Paths)}."
                : $"The same image is in {string.Join(" and ", group.Parts)}: {List(group.Paths)}.")
            .ToList();
        foreach (var finding in findings.Take(MaxListed)) yield return finding;
        if (findings.Count > MaxListed) yield return $"… and {findings.Count - MaxListed} more duplicated images.";
    }

    /// <summary>Metrics that came out NaN or infinite; JSON reports write them as null.</summary>
    public static IEnumerable<string> NonFinite(string what, ClassificationMetrics? metrics)
    {
        if (metrics is null) yield break;
        (string Name, double Value)[] values =
        [
            ("accuracy", metrics.Accuracy), ("macro accuracy", metrics.MacroAccuracy), ("log-loss", metrics.LogLoss),
            ("top-k accuracy", metrics.TopKAccuracy),
            .. metrics.Binary is { } b
                ? new[]
                {
                    ("AUC", b.AreaUnderRocCurve), ("F1", b.F1), ("precision", b.Precision), ("recall", b.Recall),
                }
                : [],
        ];
        foreach (var (name, value) in values.Where(v => !double.IsFinite(v.Value)))
            yield return $"The {what} {name} is {value.ToString(System.Globalization.CultureInfo.InvariantCulture)} " +
                "(written as null).";
    }

    private static string[] Missing(IReadOnlyList<LabeledImage> part, IReadOnlyList<string> classes) =>
        classes.Except(part.Select(i => i.Label), StringComparer.Ordinal).ToArray();

    private static string List(IReadOnlyList<string> names) =>
        string.Join(", ", names.Take(MaxListed))
            + (names.Count > MaxListed ? $" and {names.Count - MaxListed} more" : "");
}
