using System.CommandLine;
using Spectre.Console;
using TransferLearning.ImageClassification.Backbones;
using TransferLearning.ImageClassification.Classification;
using TransferLearning.ImageClassification.Data;
using TransferLearning.ImageClassification.Evaluation;
using TransferLearning.ImageClassification.Features;
using TransferLearning.ImageClassification.Training;
using TransferLearning.ImageClassification.IO;

namespace CatsDogs.Console;

/// <summary>evaluate: a saved model on labelled images.</summary>
internal static class EvaluateCommand
{
    public static Command Create(CliOptions o)
    {
        var backbone = new Option<string?>("--backbone")
        {
            Description = "Backbone to load the model with, a catalogue name or an .onnx file " +
                "(default: the one the model names).",
        };
        var unfamiliar = new Option<DirectoryInfo?>("--unfamiliar")
        {
            Description = "A folder of images from none of the classes: also report how well the novelty score " +
                "tells them from the test images (AUROC, FPR at 95% TPR, the share flagged).",
        };
        var command = new Command(
            "evaluate",
            "Evaluate a saved model: on --test-data, else on the test part of --data's split (same --seed as train), " +
            "else on the bundled test images.")
        {
            o.Model, o.Data, o.TestData, backbone, o.Normalization, o.Models, o.Seed, o.Cache, o.Output, o.Report,
            o.Gpu, o.CpuFallback, unfamiliar,
        };
        command.SetAction(Cli.Guarded((r, token) => RunAsync(
            o.ModelPath(r),
            o.DataChoice(r),
            r.GetValue(backbone) is { } name ? BackboneChoice.Resolve(name, null, r.GetValue(o.Normalization)!) : null,
            o.Runtime(r),
            r.GetValue(o.Report) ?? new FileInfo(Path.Combine(r.GetValue(o.Output)!.FullName, "evaluation.json")),
            r.GetValue(unfamiliar),
            token)));
        return command;
    }

    public static async Task<int> RunAsync(
        FileInfo model, DataChoice data, BackboneSpec? backbone, FeaturizerOptions runtime, FileInfo report,
        DirectoryInfo? unfamiliar, CancellationToken token)
    {
        OutputFiles.CheckFile(report.FullName, "--report");
        var unfamiliarImages = unfamiliar is null ? null : UnfamiliarImages(unfamiliar);
        using var classifier = TransferClassifier.Load(
            model.FullName, backbone, new FeaturizerOptions(runtime) { CacheDirectory = data.Cache.FullName }, Output.Logger);
        if (unfamiliarImages is not null && classifier.NoveltyThreshold is null)
            throw new DatasetException($"--unfamiliar: '{model.FullName}' has no novelty detector (saved before model " +
                "format 5, or trained without one); retrain it to measure novelty.");
        var images = data.TestImages();
        AnsiConsole.MarkupLineInterpolated($"[bold]Evaluating[/] [blue]{model.FullName}[/] on {images.Count} images");

        var result = await Output.WithProgressAsync(
            "Featurizing", progress => classifier.EvaluateAsync(images, progress, token));
        Output.PrintMetrics("Evaluation", result.Metrics);
        Output.PrintSkipped(result.Skipped);
        Output.PrintWarnings(result.Warnings);
        NoveltyMetrics? novelty = null;
        if (unfamiliarImages is not null)
        {
            novelty = await Output.WithProgressAsync("Scoring novelty", progress => classifier.EvaluateNoveltyAsync(
                [.. images.Select(i => i.Path)], unfamiliarImages, progress, token));
            Output.PrintNovelty(novelty);
            Output.PrintSkipped(novelty.Skipped.Where(s => unfamiliarImages.Contains(s.Path)).ToArray());
        }
        await JsonReport.WriteAsync(report.FullName, new { result.Metrics, result.Skipped, result.Warnings, novelty },
            token);
        var topLosses = await Pictures.TopLossesAsync(
            classifier, images, Path.GetDirectoryName(report.FullName)!, token);
        AnsiConsole.MarkupLineInterpolated(
            $"Report: [blue]{report.FullName}[/], pictures: [blue]{Path.GetFileName(topLosses)}[/]");
        return 0;
    }

    /// <summary>Every file under the folder (any depth), listed before the long work; one that is not a usable image
    /// is skipped with its reason.</summary>
    private static string[] UnfamiliarImages(DirectoryInfo folder)
    {
        if (!folder.Exists) throw new DatasetException($"--unfamiliar: '{folder.FullName}' does not exist.");
        var files = folder.EnumerateFiles("*", SearchOption.AllDirectories).Select(f => f.FullName)
            .Order(StringComparer.Ordinal).ToArray();
        return files.Length > 0 ? files : throw new DatasetException($"--unfamiliar: '{folder.FullName}' is empty.");
    }
}
