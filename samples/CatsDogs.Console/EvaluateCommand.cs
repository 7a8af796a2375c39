using Spectre.Console;
using TransferLearning.ImageClassification.Classification;
using TransferLearning.ImageClassification.Data;

namespace CatsDogs.Console;

/// <summary>evaluate: a saved model on a labelled folder.</summary>
internal static class EvaluateCommand
{
    public static async Task<int> RunAsync(FileInfo model, DirectoryInfo? data, FileInfo? report, CancellationToken token)
    {
        data ??= Assets.FashionMnist("test");
        using var classifier = TransferClassifier.Load(model.FullName);
        var dataset = ImageDataset.FromFolder(data.FullName);
        var result = await Output.WithProgressAsync("Featurizing", progress => classifier.EvaluateAsync(dataset, progress, token));
        Output.PrintMetrics("Evaluation", result.Metrics);
        Output.PrintSkipped(result.Skipped);
        if (report is not null)
        {
            await Output.WriteJsonAsync(report.FullName, result, token);
            AnsiConsole.MarkupLineInterpolated($"Report: [blue]{report.FullName}[/]");
        }
        return 0;
    }
}
