using Spectre.Console;
using TransferLearning.ImageClassification.Backbones;
using TransferLearning.ImageClassification.Classification;
using TransferLearning.ImageClassification.Data;
using TransferLearning.ImageClassification.Features;
using TransferLearning.ImageClassification.Training;

namespace CatsDogs.Console;

/// <summary>evaluate: a saved model on labelled images.</summary>
internal static class EvaluateCommand
{
    public static async Task<int> RunAsync(
        FileInfo model, DataChoice data, BackboneSpec? backbone, FeaturizerOptions runtime, FileInfo report, CancellationToken token)
    {
        OutputFiles.CheckFile(report.FullName, "--report");
        using var classifier = TransferClassifier.Load(
            model.FullName, backbone, runtime with { CacheDirectory = data.Cache.FullName }, Output.Logger);
        // The same images train held out: a separate test folder, or the test part of the same seeded split.
        var images = data.TestFolder is { } test
            ? ImageDataset.FromFolder(test.FullName).Images
            : ImageDataset.FromFolder(data.TrainFolder.FullName).Split(SplitRatios.Default, data.Seed).Test;
        AnsiConsole.MarkupLineInterpolated($"[bold]Evaluating[/] [blue]{model.FullName}[/] on {images.Count} images");

        var result = await Output.WithProgressAsync("Featurizing", progress => classifier.EvaluateAsync(images, progress, token));
        Output.PrintMetrics("Evaluation", result.Metrics);
        Output.PrintSkipped(result.Skipped);
        Output.PrintWarnings(result.Warnings);
        await JsonReport.WriteAsync(report.FullName, result, token);
        AnsiConsole.MarkupLineInterpolated($"Report: [blue]{report.FullName}[/]");
        return 0;
    }
}
