using System.Text.Json;
using System.CommandLine;
using Spectre.Console;
using TransferLearning.ImageClassification.Classification;
using TransferLearning.ImageClassification.Explanations;
using TransferLearning.ImageClassification.Features;
using TransferLearning.ImageClassification.Plots;
using TransferLearning.ImageClassification.Preprocessing;
using TransferLearning.ImageClassification.Training;
using TransferLearning.ImageClassification.IO;

namespace CatsDogs.Console;

/// <summary>
/// explain: per image, the prediction and an overlay of its class-activation heatmap; a bad file costs only its own
/// line.
/// </summary>
internal static class ExplainCommand
{
    private const int OverlayWidth = 640;

    public static Command Create(CliOptions o)
    {
        var output = new Option<DirectoryInfo>("--out")
        {
            Description = "Folder for the overlays, one <image name>.png per image.",
            DefaultValueFactory = _ => new DirectoryInfo("explanations"),
        };
        var command = new Command(
            "explain",
            "Show why: per image, the prediction and its class-activation heatmap over the image (Grad-CAM), as a PNG.")
        {
            o.Model, output, o.Models, o.Json, o.Gpu, o.CpuFallback, o.Images,
        };
        command.SetAction(Cli.Guarded((r, token) => RunAsync(
            r.GetValue(o.Model) ?? new FileInfo(Path.Combine("out", "model.zip")), o.Runtime(r),
            r.GetValue(o.Images)!, r.GetValue(output)!, r.GetValue(o.Json), token)));
        return command;
    }

    public static async Task<int> RunAsync(
        FileInfo model, FeaturizerOptions runtime, FileInfo[] images, DirectoryInfo output, bool json,
        CancellationToken token)
    {
        OutputFiles.CheckFolder(output, "--out");
        using var classifier = TransferClassifier.Load(model.FullName, options: runtime, logger: Output.Logger);
        var rows = new List<object>();
        var failed = 0;
        foreach (var image in images)
        {
            token.ThrowIfCancellationRequested();
            try
            {
                var bytes = await ReadAsync(image, runtime.ImageLimits, token);
                var explanation = classifier.Explain(bytes);
                var height = (int)Math.Round(OverlayWidth * (double)explanation.ImageHeight / explanation.ImageWidth)
                    + 60; // + the title
                var overlay = PlotFile.SavePng(
                    ExplanationPlot.Create(bytes, explanation),
                    Path.Combine(output.FullName, Path.GetFileNameWithoutExtension(image.Name) + ".png"),
                    OverlayWidth,
                    Math.Clamp(height, 200, 2000));
                var (label, probability) = (explanation.Prediction.Label, explanation.Prediction.Probability);
                var heatmap = explanation.Heatmap;
                rows.Add(new
                {
                    path = image.FullName,
                    label,
                    probability,
                    overlay,
                    heatmap = new { heatmap.Width, heatmap.Height, values = heatmap.Values.ToArray() },
                });
                if (!json)
                {
                    AnsiConsole.MarkupLineInterpolated(
                        $"{image.Name}: [green]{label}[/] {probability:P1} → {overlay}");
                }
            }
            catch (Exception e) when (e is ImageDecodeException or IOException or UnauthorizedAccessException)
            {
                failed++;
                rows.Add(new { path = image.FullName, error = e.Message });
                if (!json) AnsiConsole.MarkupLineInterpolated($"{image.Name}: [red]{e.Message}[/]");
            }
        }
        if (json) System.Console.WriteLine(JsonSerializer.Serialize(rows, JsonReport.Options));
        return failed == 0 ? 0 : 1;
    }

    private static async Task<byte[]> ReadAsync(FileInfo image, ImageLimits limits, CancellationToken token)
    {
        if (image.Exists && image.Length > limits.MaxFileBytes)
        {
            throw new ImageDecodeException(
                $"{image.Length} bytes, over the {limits.MaxFileBytes}-byte limit (ImageLimits.MaxFileBytes)");
        }
        return await File.ReadAllBytesAsync(image.FullName, token);
    }
}
