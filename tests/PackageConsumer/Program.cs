using System.Text.Json;
using SkiaSharp;
using TransferLearning.ImageClassification;
using TransferLearning.ImageClassification.Classification;

// An app with the core package alone, as its users build one: train, save, load, predict. It also writes the probe
// images (PNG and JPEG at sizes other than the input) and this app's probabilities for them, which the other apps
// (PackageConsumer.Plots, the catsdogs tool, the web sample) must match.
if (args.Length != 3)
{
    Console.Error.WriteLine("usage: PackageConsumer TRAIN_DIR TEST_DIR WORK_DIR");
    return 2;
}
var (train, test, work) = (args[0], args[1], args[2]);

var result = await new TransferClassifierBuilder()
    .WithImages(train)
    .WithTestImages(test)
    .WithBackbone("resnet18")                                  // the bundled model, from the Microsoft package dependency
    .WithFeaturizer(o => new(o) { CacheDirectory = Path.Combine(work, "cache") })
    .TrainAsync();
var modelPath = Path.Combine(work, "model.zip");
using (result.Classifier) result.Classifier.Save(modelPath);

using var classifier = TransferClassifier.Load(modelPath);
var probes = WriteProbes(Directory.EnumerateFiles(test, "*.png", SearchOption.AllDirectories).Order(StringComparer.Ordinal).Take(3), Path.Combine(work, "probes"));
var predictions = new List<object>();
foreach (var probe in probes)
{
    var prediction = await classifier.PredictAsync(probe);
    predictions.Add(new { path = probe, scores = prediction.Scores.ToDictionary(s => s.Label, s => s.Probability) });
}
File.WriteAllText(Path.Combine(work, "predictions.json"), JsonSerializer.Serialize(predictions));
File.WriteAllLines(Path.Combine(work, "probes.txt"), probes);

var accuracy = result.Report.Test!.Accuracy;
Console.WriteLine($"test accuracy {accuracy:F3} on {result.Report.Counts.Test} images; {probes.Count} probe images predicted");
return accuracy >= 0.7 ? 0 : 1;

// Each image as it is, and enlarged or stretched to other sizes as PNG and JPEG: the resize path must agree for all.
static List<string> WriteProbes(IEnumerable<string> images, string folder)
{
    Directory.CreateDirectory(folder);
    var probes = new List<string>();
    foreach (var image in images)
    {
        using var source = SKBitmap.Decode(image);
        probes.Add(image);
        foreach (var (width, height, format) in new[] { (97, 61, SKEncodedImageFormat.Png), (640, 480, SKEncodedImageFormat.Jpeg), (333, 250, SKEncodedImageFormat.Jpeg) })
        {
            using var resized = source.Resize(new SKImageInfo(width, height), new SKSamplingOptions(SKCubicResampler.Mitchell));
            using var encoded = resized.Encode(format, 90);
            var path = Path.Combine(folder, $"{Path.GetFileNameWithoutExtension(image)}-{width}x{height}.{format.ToString().ToLowerInvariant()}");
            File.WriteAllBytes(path, encoded.ToArray());
            probes.Add(path);
        }
    }
    return probes;
}
