using TransferLearning.ImageClassification.Classification;
using TransferLearning.ImageClassification.Data;
using TransferLearning.ImageClassification.Explanations;
using TransferLearning.ImageClassification.Experiments;
using TransferLearning.ImageClassification.Plots;
using TransferLearning.ImageClassification.Training;

namespace CatsDogs.Console;

/// <summary>The PNG figures train and compare write next to their reports.</summary>
internal static class Pictures
{
    public static List<string> ForTraining(
        TrainingReport report, DirectoryInfo trainFolder, string folder, string suffix = "")
    {
        var written = new List<string>();
        if (report.History.Count > 0)
            written.Add(PlotFile.SavePng(HistoryPlot.Create(report), Path.Combine(folder, $"history{suffix}.png")));
        if (report.Test is { } test)
        {
            written.Add(PlotFile.SavePng(
                ConfusionMatrixPlot.Create(test, $"Confusion matrix (test): {report.Backbone} + {report.Head}"),
                Path.Combine(folder, $"confusion{suffix}.png"),
                900,
                800));
        }
        if (suffix.Length == 0) written.Add(Preview(trainFolder, folder));
        return written;
    }

    public static List<string> ForComparison(ExperimentResult result, DirectoryInfo trainFolder, string folder)
    {
        List<string> written =
        [
            PlotFile.SavePng(ComparisonPlot.Create(result), Path.Combine(folder, "comparison.png"), 900, 550),
            Preview(trainFolder, folder),
        ];
        foreach (var entry in result.Entries)
            written.AddRange(ForTraining(entry.Report, trainFolder, folder, $"-{entry.Report.Backbone}-{entry.Report.Head}"));
        return written;
    }

    /// <summary>
    /// top-losses.png: the test images the classifier got most confidently wrong, each with its heatmap.
    /// </summary>
    public static async Task<string> TopLossesAsync(
        TransferClassifier classifier, IReadOnlyList<LabeledImage> testImages, string folder, CancellationToken token)
    {
        var losses = await classifier.TopLossesAsync(testImages, count: 9, cancellationToken: token);
        return PlotFile.SavePng(
            TopLossesPlot.Create(classifier, losses), Path.Combine(folder, "top-losses.png"), 900, 1000);
    }

    private static string Preview(DirectoryInfo trainFolder, string folder) => PlotFile.SavePng(
        PreviewGrid.Create(ImageDataset.FromFolder(trainFolder.FullName).Images),
        Path.Combine(folder, "preview.png"),
        1000,
        850);
}
