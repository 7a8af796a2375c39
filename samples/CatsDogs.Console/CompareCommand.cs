using System.CommandLine;
using Spectre.Console;
using TransferLearning.ImageClassification.Backbones;
using TransferLearning.ImageClassification.Experiments;
using TransferLearning.ImageClassification.Features;
using TransferLearning.ImageClassification.Head;
using TransferLearning.ImageClassification.Training;
using TransferLearning.ImageClassification.IO;

namespace CatsDogs.Console;

/// <summary>compare: the article's architecture comparison, every backbone (and head) on the same split.</summary>
internal static class CompareCommand
{
    /// <summary>Heads the command knows by name.</summary>
    public static IReadOnlyDictionary<string, Func<int, IHeadRecipe>> Heads { get; } =
        new Dictionary<string, Func<int, IHeadRecipe>>(StringComparer.OrdinalIgnoreCase)
    {
        ["dense"] = seed => new HeadOptions { Seed = seed },
        ["article"] = seed => new HeadOptions(HeadOptions.Article) { Seed = seed },
        ["lbfgs-maxent"] = seed => new MLNetHeadOptions(MLNetHeadOptions.LbfgsMaximumEntropy) { Seed = seed },
        ["sdca-maxent"] = seed => new MLNetHeadOptions(MLNetHeadOptions.SdcaMaximumEntropy) { Seed = seed },
    };

    public static Command Create(CliOptions o)
    {
        var backbones = new Option<string>("--backbones")
        {
            Description = "Comma-separated backbones to compare (catalogue names or .onnx files).",
            DefaultValueFactory = _ => "resnet18,resnet18-layer3",
        };
        var heads = new Option<string>("--heads")
        {
            Description = "Comma-separated heads to train on each backbone's features: " +
                $"{string.Join(", ", Heads.Keys)}.",
            DefaultValueFactory = _ => "dense,lbfgs-maxent",
        };
        var wide = new Option<bool>("--wide")
        {
            Description = "Every column: feature size, untrained scores, timings.",
        };
        var command = new Command(
            "compare",
            "Train every --backbones × --heads on the same split, decoding each image once; print a table, " +
            "write a JSON report and PNG figures.")
        {
            o.Data, o.TestData, backbones, heads, o.ImageSize, o.Normalization, o.Models, o.Seed, o.Cache, o.Output,
            o.Report, o.Flip, o.Precision, o.Gpu, o.CpuFallback, wide,
        };
        command.SetAction(Cli.Guarded((r, token) => RunAsync(
            o.DataChoice(r),
            [.. Cli.List(r.GetValue(backbones)!).Select(b => o.ResolveBackbone(r, b))],
            Cli.List(r.GetValue(heads)!), r.GetValue(o.Flip), r.GetValue(o.Precision) == "int8", o.Runtime(r),
            r.GetValue(o.Output)!, r.GetValue(o.Report), r.GetValue(wide), token)));
        return command;
    }

    public static async Task<int> RunAsync(
        DataChoice data, IReadOnlyList<BackboneSpec> backbones, IReadOnlyList<string> heads, bool flip, bool int8,
        FeaturizerOptions runtime, DirectoryInfo output, FileInfo? report, bool wide, CancellationToken token)
    {
        var recipes = heads.Select(h => Heads.TryGetValue(h, out var make) ? make(data.Seed)
            : throw new ArgumentException($"Unknown head '{h}'; use {string.Join(", ", Heads.Keys)}.")).ToArray();
        var reportPath = report?.FullName ?? Path.Combine(output.FullName, "comparison.json");
        OutputFiles.CheckFolder(output, "--out");
        OutputFiles.CheckFile(reportPath, "--report");
        var backboneNames = string.Join(", ", backbones.Select(b => b.Name));
        var headNames = string.Join(", ", heads);
        AnsiConsole.MarkupLineInterpolated(
            $"[bold]Comparing[/] [green]{backboneNames}[/] with heads [green]{headNames}[/] on [blue]{
                data.TrainFolder.FullName}[/]");
        await TrainCommand.EnsureDownloadedAsync(backbones, runtime, token);
        var builder = TrainCommand.Builder(data, flip, int8, runtime, printEpochs: false);

        var result = await Output.WithProgressAsync(
            "Featurizing",
            progress => builder.WithProgress(progress).BuildExperiment(backbones, recipes).RunAsync(token));
        await JsonReport.WriteAsync(reportPath, result, token);
        var pictures = Pictures.ForComparison(result, data.TrainFolder, Path.GetDirectoryName(reportPath)!);

        Print(result, wide);
        AnsiConsole.MarkupLineInterpolated($"Report:   [blue]{reportPath}[/]");
        AnsiConsole.MarkupLineInterpolated($"Pictures: [blue]{pictures.Count} PNG files, comparison.png first[/]");
        return 0;
    }

    /// <summary>
    /// One row per backbone × head. By default the columns that decide (test accuracy and loss, speed, size) fit an
    /// 80-column terminal; <paramref name="wide"/> adds feature size, the untrained scores and the timings (all are in
    /// the JSON).
    /// </summary>
    private static void Print(ExperimentResult result, bool wide)
    {
        var table = new Table().AddColumns(wide
            ? ["backbone", "head", "features", "before acc", "before loss", "acc", "loss", "backbone s", "img/s",
               "head s", "model"]
            : ["backbone", "head", "acc", "loss", "img/s", "MB"]);
        foreach (var e in result.Entries)
        {
            var r = e.Report;
            var (accuracy, loss) = r.Test is { } t ? ($"[green]{t.Accuracy:F4}[/]", $"{t.LogLoss:F4}") : ("-", "-");
            var speed = $"{r.Timings.BackboneImagesPerSecond:F1}";
            table.AddRow(wide
                ? [e.Report.Backbone, e.Report.Head, $"{e.FeatureSize}",
                   r.Initial is { } i ? $"{i.Accuracy:F4}" : "-", r.Initial is { } il ? $"{il.LogLoss:F4}" : "-",
                   accuracy, loss, $"{r.Timings.BackboneSeconds:F1}", speed, $"{r.Timings.TrainSeconds:F1}",
                   $"{e.BackboneBytes / 1e6:F0} MB + {e.HeadBytes / 1e3:F0} kB"]
                : [e.Report.Backbone, e.Report.Head, accuracy, loss, speed, $"{(e.BackboneBytes + e.HeadBytes) / 1e6:F0}"]);
        }
        AnsiConsole.Write(table);
        AnsiConsole.MarkupLineInterpolated($"Featurized every backbone in one pass in {result.FeaturizeSeconds:F1} s.");
        if (result.Best is { } best)
        {
            AnsiConsole.MarkupLineInterpolated(
                $"Best: [green]{best.Report.Backbone} + {best.Report.Head}[/], test accuracy {best.Report.Test!.Accuracy:F4}");
        }
    }
}
