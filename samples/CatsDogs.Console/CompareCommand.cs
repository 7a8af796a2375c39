using Spectre.Console;
using TransferLearning.ImageClassification.Backbones;
using TransferLearning.ImageClassification.Experiments;
using TransferLearning.ImageClassification.Features;
using TransferLearning.ImageClassification.Head;
using TransferLearning.ImageClassification.Training;

namespace CatsDogs.Console;

/// <summary>compare: the article's architecture comparison, every backbone (and head) on the same split.</summary>
internal static class CompareCommand
{
    /// <summary>Heads the command knows by name.</summary>
    public static IReadOnlyDictionary<string, Func<int, IHeadRecipe>> Heads { get; } = new Dictionary<string, Func<int, IHeadRecipe>>(StringComparer.OrdinalIgnoreCase)
    {
        ["dense"] = seed => new HeadOptions { Seed = seed },
        ["article"] = seed => HeadOptions.Article with { Seed = seed },
        ["lbfgs-maxent"] = seed => MLNetHeadOptions.LbfgsMaximumEntropy with { Seed = seed },
        ["sdca-maxent"] = seed => MLNetHeadOptions.SdcaMaximumEntropy with { Seed = seed },
    };

    public static async Task<int> RunAsync(
        DataChoice data, IReadOnlyList<BackboneSpec> backbones, IReadOnlyList<string> heads, bool flip, FeaturizerOptions runtime,
        DirectoryInfo output, FileInfo? report, CancellationToken token)
    {
        var recipes = heads.Select(h => Heads.TryGetValue(h, out var make) ? make(data.Seed)
            : throw new ArgumentException($"Unknown head '{h}'; use {string.Join(", ", Heads.Keys)}.")).ToArray();
        var reportPath = report?.FullName ?? Path.Combine(output.FullName, "comparison.json");
        OutputFiles.CheckFolder(output, "--out");
        OutputFiles.CheckFile(reportPath, "--report");
        AnsiConsole.MarkupLineInterpolated(
            $"[bold]Comparing[/] [green]{string.Join(", ", backbones.Select(b => b.Name))}[/] with heads [green]{string.Join(", ", heads)}[/] on [blue]{data.TrainFolder.FullName}[/]");
        await TrainCommand.EnsureDownloadedAsync(backbones, runtime, token);
        var builder = TrainCommand.Builder(data, flip, runtime, printEpochs: false);

        var result = await Output.WithProgressAsync("Featurizing", progress => builder.WithProgress(progress).BuildExperiment(backbones, recipes).RunAsync(token));
        await JsonReport.WriteAsync(reportPath, result, token);
        var pictures = Pictures.ForComparison(result, data.TrainFolder, Path.GetDirectoryName(reportPath)!);

        Print(result);
        AnsiConsole.MarkupLineInterpolated($"Report:   [blue]{reportPath}[/]");
        AnsiConsole.MarkupLineInterpolated($"Pictures: [blue]{pictures.Count} PNG files, comparison.png first[/]");
        return 0;
    }

    private static void Print(ExperimentResult result)
    {
        var table = new Table().AddColumns(
            "backbone", "head", "features", "initial acc", "initial loss", "test acc", "test loss", "backbone s", "img/s", "head s", "model");
        foreach (var e in result.Entries)
        {
            var r = e.Report;
            table.AddRow(
                e.Backbone, e.Head, $"{e.FeatureSize}",
                r.Initial is { } i ? $"{i.Accuracy:F4}" : "-", r.Initial is { } il ? $"{il.LogLoss:F4}" : "-",
                r.Test is { } t ? $"[green]{t.Accuracy:F4}[/]" : "-", r.Test is { } tl ? $"{tl.LogLoss:F4}" : "-",
                $"{r.Timings.BackboneSeconds:F1}", $"{r.Timings.BackboneImagesPerSecond:F1}", $"{r.Timings.TrainSeconds:F1}",
                $"{e.BackboneBytes / 1e6:F0} MB + {e.HeadBytes / 1e3:F0} kB");
        }
        AnsiConsole.Write(table);
        AnsiConsole.MarkupLineInterpolated($"Featurized every backbone in one pass in {result.FeaturizeSeconds:F1} s (each image decoded once).");
        if (result.Best is { } best)
            AnsiConsole.MarkupLineInterpolated($"Best: [green]{best.Backbone} + {best.Head}[/], test accuracy {best.Report.Test!.Accuracy:F4}");
    }
}
