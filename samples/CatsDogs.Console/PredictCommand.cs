using System.Text.Json;
using Spectre.Console;
using TransferLearning.ImageClassification.Backbones;
using TransferLearning.ImageClassification.Classification;
using TransferLearning.ImageClassification.Features;

namespace CatsDogs.Console;

/// <summary>predict: label and probability per image.</summary>
internal static class PredictCommand
{
    public static async Task<int> RunAsync(FileInfo model, FeaturizerOptions runtime, FileInfo[] images, bool json, int top, CancellationToken token)
    {
        using var classifier = TransferClassifier.Load(model.FullName, options: runtime, logger: Output.Logger);
        var rows = new List<object>();
        var failed = 0;
        foreach (var image in images)
        {
            try
            {
                var prediction = await classifier.PredictAsync(image.FullName, token);
                rows.Add(new { path = image.FullName, label = prediction.Label, probability = prediction.Probability, top = prediction.Top(top) });
                var runnersUp = prediction.Top(top).Skip(1).Select(s => $"{s.Label} {s.Probability:P1}").ToArray();
                var others = runnersUp.Length == 0 ? "" : $"({string.Join(", ", runnersUp)})";
                if (!json)
                    AnsiConsole.MarkupLineInterpolated($"{image.Name}: [green]{prediction.Label}[/] {prediction.Probability:P1} {others}");
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or TransferLearning.ImageClassification.Preprocessing.ImageDecodeException)
            {
                failed++;
                rows.Add(new { path = image.FullName, error = e.Message });
                if (!json) AnsiConsole.MarkupLineInterpolated($"{image.Name}: [red]{e.Message}[/]");
            }
        }
        if (json) System.Console.WriteLine(JsonSerializer.Serialize(rows, Output.Json));
        return failed == 0 ? 0 : 1;
    }
}
