using System.Text.Json;
using TransferLearning.ImageClassification.Classification;
using TransferLearning.ImageClassification.Data;
using TransferLearning.ImageClassification.Plots;

// One model, one answer: this app (core + Plots) predicts PackageConsumer's probe images with PackageConsumer's model
// and compares every probability with PackageConsumer's, the catsdogs tool's (predict --json) and the web sample's.
if (args.Length != 4)
{
    Console.Error.WriteLine("usage: PackageConsumer.Plots WORK_DIR TOOL_JSON WEB_JSONL TOLERANCE");
    return 2;
}
var (work, toolJson, webJsonl, tolerance) = (args[0], args[1], args[2], float.Parse(args[3], System.Globalization.CultureInfo.InvariantCulture));
using var classifier = TransferClassifier.Load(Path.Combine(work, "model.zip"));
var library = JsonDocument.Parse(File.ReadAllText(Path.Combine(work, "predictions.json"))).RootElement.EnumerateArray()
    .ToDictionary(p => p.GetProperty("path").GetString()!, p => Scores(p.GetProperty("scores").EnumerateObject().Select(s => (s.Name, s.Value))));
var tool = JsonDocument.Parse(File.ReadAllText(toolJson)).RootElement.EnumerateArray()
    .ToDictionary(p => p.GetProperty("path").GetString()!, p => Scores(p.GetProperty("top").EnumerateArray().Select(s => (s.GetProperty("label").GetString()!, s.GetProperty("probability")))));
var web = File.ReadLines(webJsonl).Select(line => JsonDocument.Parse(line).RootElement)
    .ToDictionary(p => p.GetProperty("path").GetString()!, p => Scores(p.GetProperty("scores").EnumerateArray().Select(s => (s.GetProperty("label").GetString()!, s.GetProperty("probability")))));

var worst = 0f;
foreach (var (path, expected) in library)
{
    var here = (await classifier.PredictAsync(path)).Scores.ToDictionary(s => s.Label, s => s.Probability);
    foreach (var (app, scores) in new[] { ("PackageConsumer.Plots", here), ("catsdogs predict", tool[path]), ("web sample", web[path]) })
        foreach (var (label, probability) in expected)
        {
            var difference = Math.Abs(scores[label] - probability);
            worst = Math.Max(worst, difference);
            if (difference > tolerance) Console.Error.WriteLine($"error: {app} gives {Path.GetFileName(path)} {label} {scores[label]}, PackageConsumer {probability}");
        }
}
PlotFile.SavePng(PreviewGrid.Create([.. library.Keys.Select(p => new LabeledImage(p, "probe"))], rows: 2, columns: 3), Path.Combine(work, "probes.png"));
Console.WriteLine($"{library.Count} images, 4 apps: largest probability difference {worst:G3} (tolerance {tolerance:G3})");
return worst <= tolerance ? 0 : 1;

static Dictionary<string, float> Scores(IEnumerable<(string Label, JsonElement Probability)> scores) =>
    scores.ToDictionary(s => s.Label, s => s.Probability.GetSingle());
