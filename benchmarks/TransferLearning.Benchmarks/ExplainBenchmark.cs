using System.Diagnostics;
using TransferLearning.ImageClassification;
using TransferLearning.ImageClassification.Backbones;
using TransferLearning.ImageClassification.Explanations;

namespace TransferLearning.Benchmarks;

/// <summary>What a heatmap costs: Predict against Explain, one image at a time, same classifier, same images, same run.</summary>
internal static class ExplainBenchmark
{
    /// <summary>explain [--images N]</summary>
    public static async Task RunAsync(string[] args)
    {
        var count = args is ["--images", var n] ? int.Parse(n, System.Globalization.CultureInfo.InvariantCulture) : 200;
        var result = await new TransferClassifierBuilder()
            .WithImages(Path.Combine(BenchmarkAssets.Root, "train"))
            .WithBackbone(BackboneCatalog.ResNet18Layer3)
            .WithFeaturizer(o => new(o) { CacheDirectory = Path.Combine(Path.GetTempPath(), "tl-explain-benchmark-cache") })
            .TrainAsync();
        using var classifier = result.Classifier;
        var images = Directory.EnumerateFiles(Path.Combine(BenchmarkAssets.Root, "test"), "*.png", SearchOption.AllDirectories)
            .Order(StringComparer.Ordinal).Take(count).Select(File.ReadAllBytes).ToArray();
        Console.WriteLine($"{images.Length} bundled test images, resnet18-layer3 + the default head, one image per call");

        // Alternating rounds after a warm-up, so that drift hurts both alike.
        var (predict, explain) = (new List<double>(), new List<double>());
        for (var round = 0; round < 4; round++)
        {
            var p = Time(images, image => classifier.Predict(image));
            var e = Time(images, image => _ = classifier.Explain(image).Heatmap);
            if (round == 0) continue;
            predict.Add(p);
            explain.Add(e);
        }
        var (medianPredict, medianExplain) = (predict.Order().ElementAt(1), explain.Order().ElementAt(1));
        Console.WriteLine($"Predict: {medianPredict,8:F2} ms/image");
        Console.WriteLine($"Explain: {medianExplain,8:F2} ms/image");
        Console.WriteLine($"Explain / Predict: {medianExplain / medianPredict,6:F3}");
    }

    private static double Time(byte[][] images, Action<byte[]> action)
    {
        var clock = Stopwatch.StartNew();
        foreach (var image in images) action(image);
        return clock.Elapsed.TotalMilliseconds / images.Length;
    }
}
