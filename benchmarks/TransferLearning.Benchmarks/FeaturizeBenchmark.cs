using System.Diagnostics;
using Microsoft.ML;
using Microsoft.ML.Data;
using TransferLearning.ImageClassification.Backbones;
using TransferLearning.ImageClassification.Features;

namespace TransferLearning.Benchmarks;

/// <summary>Featurization throughput: the network alone, this library's pipeline, and ML.NET's DnnFeaturizeImage route, same images, same run.</summary>
internal static class FeaturizeBenchmark
{
    /// <summary>featurize [FOLDER] [--limit N] [--synthetic N] [--batch B] [--gpu N]</summary>
    public static async Task RunAsync(string[] args)
    {
        var options = Arguments.Parse(args);
        var device = options.Gpu is { } id ? ExecutionDevice.Cuda(id, fallbackToCpu: false) : ExecutionDevice.Cpu;
        var paths = options.Synthetic is { } count
            ? SyntheticImages.WriteJpegs(Path.Combine(Path.GetTempPath(), $"tl-synthetic-{count}"), count)
            : Directory.EnumerateFiles(options.Folder ?? BenchmarkAssets.Root, "*.*", SearchOption.AllDirectories)
                .Where(p => ImageClassification.Data.ImageDataset.ImageExtensions.Contains(Path.GetExtension(p)))
                .Order(StringComparer.Ordinal).Take(options.Limit).ToArray();
        Console.WriteLine($"{paths.Length} images ({(options.Synthetic is null ? options.Folder ?? BenchmarkAssets.Root : "synthetic 500x375 JPEG")}); {Environment.ProcessorCount} cores; {device}; batch {options.Batch}");

        // Each route is warmed on a few images first so session creation and cuDNN's algorithm search are not timed.
        var network = TimeNetworkOnly(options.Batch, images: Math.Max(options.Batch * 20, 640), device);
        await TimeLibrary(paths[..Math.Min(8, paths.Length)], options.Batch, device);
        var library = await TimeLibrary(paths, options.Batch, device);
        Console.WriteLine($"network only (random input): {network,8:F1} img/s");
        Console.WriteLine($"library end to end:          {library,8:F1} img/s");
        if (options.Gpu is not null) return; // ML.NET's route below runs on the CPU only
        TimeMlNet(paths[..Math.Min(8, paths.Length)]); // warm-up
        var mlnet = TimeMlNet(paths);
        Console.WriteLine($"ML.NET DnnFeaturizeImage:    {mlnet,8:F1} img/s");
        Console.WriteLine($"ratio library / ML.NET:      {library / mlnet,8:F2}");
    }

    private sealed record Arguments(string? Folder, int Limit, int? Synthetic, int Batch, int? Gpu)
    {
        public static Arguments Parse(string[] args)
        {
            var parsed = new Arguments(null, int.MaxValue, null, 32, null);
            for (var i = 0; i < args.Length; i++)
            {
                int Next() => int.Parse(args[++i], System.Globalization.CultureInfo.InvariantCulture);
                parsed = args[i] switch
                {
                    "--limit" => parsed with { Limit = Next() },
                    "--synthetic" => parsed with { Synthetic = Next() },
                    "--batch" => parsed with { Batch = Next() },
                    "--gpu" => parsed with { Gpu = i + 1 < args.Length && int.TryParse(args[i + 1], out _) ? Next() : 0 },
                    var folder when !folder.StartsWith("--", StringComparison.Ordinal) => parsed with { Folder = folder },
                    var unknown => throw new ArgumentException($"Unknown option {unknown}."),
                };
            }
            return parsed;
        }
    }

    private static double TimeNetworkOnly(int batch, int images, ExecutionDevice device)
    {
        using var runner = BackboneRunner.Load(BackboneCatalog.ResNet18, device: device);
        var random = new Random(0);
        var input = Enumerable.Range(0, batch * 3 * 224 * 224).Select(_ => random.NextSingle() * 255 - 128).ToArray();
        runner.Run(input, batch);
        var batches = Math.Max(1, images / batch);
        var clock = Stopwatch.StartNew();
        for (var i = 0; i < batches; i++) runner.Run(input, batch);
        return batches * batch / clock.Elapsed.TotalSeconds;
    }

    private static async Task<double> TimeLibrary(string[] paths, int batch, ExecutionDevice device)
    {
        using var featurizer = BottleneckFeaturizer.Create(BackboneCatalog.ResNet18, new FeaturizerOptions { BatchSize = batch, Device = device });
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
