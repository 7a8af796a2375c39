using TransferLearning.ImageClassification.Data;
using TransferLearning.ImageClassification.Experiments;
using TransferLearning.ImageClassification.Plots;
using TransferLearning.ImageClassification.Training;

namespace CatsDogs.Console;

/// <summary>The PNG figures train and compare write next to their reports.</summary>
internal static class Pictures
{
    public static List<string> ForTraining(TrainingReport report, DirectoryInfo trainFolder, string folder, string suffix = "")
    {
        var written = new List<string>();
        if (report.History.Count > 0)
            written.Add(PlotFile.SavePng(HistoryPlot.Create(report), Path.Combine(folder, $"history{suffix}.png")));
        if (report.Test is { } test)
            written.Add(PlotFile.SavePng(ConfusionMatrixPlot.Create(test, $"Confusion matrix (test): {report.Backbone} + {report.Head}"), Path.Combine(folder, $"confusion{suffix}.png"), 900, 800));
        if (suffix.Length == 0) written.Add(Preview(trainFolder, folder));
        return written;
    }

    public static List<string> ForComparison(ExperimentResult result, DirectoryInfo trainFolder, string folder)
    {
        List<string> written = [PlotFile.SavePng(ComparisonPlot.Create(result), Path.Combine(folder, "comparison.png"), 900, 550), Preview(trainFolder, folder)];
        foreach (var entry in result.Entries)
            written.AddRange(ForTraining(entry.Report, trainFolder, folder, $"-{entry.Backbone}-{entry.Head}"));
        return written;
    }

    private static string Preview(DirectoryInfo trainFolder, string folder) =>
        PlotFile.SavePng(PreviewGrid.Create(ImageDataset.FromFolder(trainFolder.FullName).Images), Path.Combine(folder, "preview.png"), 1000, 850);
}
