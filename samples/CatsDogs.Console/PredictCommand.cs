using System.Text.Json;
using System.CommandLine;
using Spectre.Console;
using TransferLearning.ImageClassification.Classification;
using TransferLearning.ImageClassification.Features;
using TransferLearning.ImageClassification.Training;
using TransferLearning.ImageClassification.IO;

namespace CatsDogs.Console;

/// <summary>
/// predict: label and probability per image, and whether it looks like none of the classes, in backbone-sized
/// batches; a bad file costs only its own line.
/// </summary>
internal static class PredictCommand
{
    public static Command Create(CliOptions o)
    {
        var top = CliOptions.Count("--top", "Classes to show per image (1 or more).", 1);
        var command = new Command("predict", "Classify image files with a saved model.")
        {
            o.Model, o.Output, o.Models, o.Json, top, o.Gpu, o.CpuFallback, o.Images,
        };
        command.SetAction(Cli.Guarded((r, token) => RunAsync(
            o.ModelPath(r), o.Runtime(r), r.GetValue(o.Images)!, r.GetValue(o.Json), r.GetValue(top), token)));
        return command;
    }

    public static async Task<int> RunAsync(
        FileInfo model, FeaturizerOptions runtime, FileInfo[] images, bool json, int top, CancellationToken token)
    {
        using var classifier = TransferClassifier.Load(model.FullName, options: runtime, logger: Output.Logger);
        var results = await classifier.PredictBatchAsync([.. images.Select(i => i.FullName)], token);
        var rows = new List<object>();
        foreach (var (image, result) in images.Zip(results))
        {
            if (result.Prediction is { } prediction)
            {
                rows.Add(new
                {
                    path = image.FullName,
                    label = prediction.Label,
                    probability = prediction.Probability,
                    top = prediction.Top(top),
                    novelty = prediction.Novelty,
                    noveltyThreshold = prediction.NoveltyThreshold,
                    unfamiliar = prediction.IsUnfamiliar,
                });
                var runnersUp = prediction.Top(top).Skip(1).Select(s => $"{s.Label} {s.Probability:P1}").ToArray();
                var others = runnersUp.Length == 0 ? "" : $"({string.Join(", ", runnersUp)})";
                if (!json)
                {
                    AnsiConsole.MarkupLineInterpolated(
                        $"{image.Name}: [green]{prediction.Label}[/] {prediction.Probability:P1} {others}");
                    if (prediction.IsUnfamiliar)
                        AnsiConsole.MarkupLineInterpolated(
                            $"  [yellow]unfamiliar image: novelty {prediction.Novelty:F1}, threshold {
                                prediction.NoveltyThreshold:F1}[/] (it looks like none of the classes)");
                }
            }
            else
            {
                rows.Add(new { path = image.FullName, error = result.Error });
                if (!json) AnsiConsole.MarkupLineInterpolated($"{image.Name}: [red]{result.Error}[/]");
            }
        }
        if (json) System.Console.WriteLine(JsonSerializer.Serialize(rows, JsonReport.Options));
        return results.All(r => r.Succeeded) ? 0 : 1;
    }
}
