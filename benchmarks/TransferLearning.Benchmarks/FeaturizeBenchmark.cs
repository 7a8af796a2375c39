using System.Diagnostics;
using Microsoft.ML;
using Microsoft.ML.Data;
using TransferLearning.ImageClassification.Backbones;
using TransferLearning.ImageClassification.Features;

namespace TransferLearning.Benchmarks;

/// <summary>Featurization throughput: the network alone, this library's pipeline, and ML.NET's DnnFeaturizeImage route, same images, same run.</summary>
internal static class FeaturizeBenchmark
{
    public static async Task RunAsync(string[] args)
    {
        var folder = args.Length > 0 ? args[0] : BenchmarkAssets.Root;
        var limit = args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : int.MaxValue;
        var paths = Directory.GetFiles(folder, "*.png", SearchOption.AllDirectories).Order(StringComparer.Ordinal).Take(limit).ToArray();
        Console.WriteLine($"{paths.Length} images from {folder}; {Environment.ProcessorCount} cores");

        // Warm both routes on a few images first so session creation is not timed.
        var network = TimeNetworkOnly(batch: 32, images: Math.Min(paths.Length, 640));
        var library = await TimeLibrary(paths[..8]);
        library = await TimeLibrary(paths);
        var mlnet = TimeMlNet(paths[..8]);
        mlnet = TimeMlNet(paths);
        Console.WriteLine($"network only (random input, batch 32): {network:F1} img/s");
        Console.WriteLine($"library (decode overlapped, batch 32): {library:F1} img/s");
        Console.WriteLine($"ML.NET DnnFeaturizeImage route:        {mlnet:F1} img/s");
        Console.WriteLine($"ratio library / ML.NET:                {library / mlnet:F2}");
    }

    private static double TimeNetworkOnly(int batch, int images)
    {
        using var runner = BackboneRunner.Load(BackboneCatalog.ResNet18);
        var random = new Random(0);
        var input = Enumerable.Range(0, batch * 3 * 224 * 224).Select(_ => random.NextSingle() * 255 - 128).ToArray();
        runner.Run(input, batch);
        var batches = Math.Max(1, images / batch);
        var clock = Stopwatch.StartNew();
        for (var i = 0; i < batches; i++) runner.Run(input, batch);
        return batches * batch / clock.Elapsed.TotalSeconds;
    }

    private static async Task<double> TimeLibrary(string[] paths)
    {
        using var featurizer = BottleneckFeaturizer.Create(BackboneCatalog.ResNet18, new FeaturizerOptions { BatchSize = 32 });
        var clock = Stopwatch.StartNew();
        var result = await featurizer.FeaturizeAsync(paths);
        if (result.Skipped.Count > 0) throw new InvalidOperationException($"{result.Skipped.Count} images skipped");
        return paths.Length / clock.Elapsed.TotalSeconds;
    }

    // The chain Microsoft.ML.DnnImageFeaturizer.ResNet18's extension builds (the 0.23.1 package ships the models but not
    // that extension assembly): load → resize → extract pixels → ResNetPreprocess.onnx → ResNet18.onnx.
    private static double TimeMlNet(string[] paths)
    {
        var ml = new MLContext(seed: 0);
        var models = Path.Combine(AppContext.BaseDirectory, "DnnImageModels");
        var data = ml.Data.LoadFromEnumerable(paths.Select(p => new ImageRow { ImagePath = p }));
        var pipeline = ml.Transforms.LoadImages("Image", imageFolder: null, inputColumnName: nameof(ImageRow.ImagePath))
            .Append(ml.Transforms.ResizeImages("Image", 224, 224, "Image"))
            .Append(ml.Transforms.ExtractPixels("OriginalInput", "Image"))
            .Append(ml.Transforms.ApplyOnnxModel("PreprocessedInput", "OriginalInput", Path.Combine(models, "ResNetPrepOnnx", "ResNetPreprocess.onnx")))
            .Append(ml.Transforms.CopyColumns("Input247", "PreprocessedInput"))
            .Append(ml.Transforms.ApplyOnnxModel("Pooling395_Output_0", "Input247", Path.Combine(models, "ResNet18Onnx", "ResNet18.onnx")));
        var clock = Stopwatch.StartNew();
        var count = pipeline.Fit(data).Transform(data).GetColumn<float[]>("Pooling395_Output_0").Count(f => f.Length == 512);
        if (count != paths.Length) throw new InvalidOperationException($"ML.NET featurized {count} of {paths.Length}");
        return paths.Length / clock.Elapsed.TotalSeconds;
    }

    private sealed class ImageRow
    {
        public string ImagePath { get; set; } = "";
    }
}
