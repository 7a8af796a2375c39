using System.Numerics.Tensors;
using System.Diagnostics;
using System.Runtime.Intrinsics.X86;
using TransferLearning.ImageClassification.Backbones;
using TransferLearning.ImageClassification.Features;
using TransferLearning.ImageClassification.Quantization;

namespace TransferLearning.Benchmarks;

/// <summary>
/// int8 against float32 on the same machine in one run: calibration time, network-only and end-to-end img/s, and how
/// close the pooled features stay (median cosine), for each backbone given.
/// </summary>
internal static class Int8Benchmark
{
    public static async Task RunAsync(string[] args)
    {
        var backbones = Option(args, "--backbones")?.Split(',') ?? ["resnet18", "resnet18-layer3"];
        var count = int.Parse(Option(args, "--images") ?? "640");
        var method = Option(args, "--method") is { } m ? Enum.Parse<CalibrationMethod>(m, ignoreCase: true) : CalibrationMethod.MinMax;
        var train = Directory.GetFiles(Path.Combine(BenchmarkAssets.Root, "train"), "*.png", SearchOption.AllDirectories).Order(StringComparer.Ordinal).ToArray();
        var calibration = train.Where((_, i) => i % (train.Length / 256) == 0).Take(256).ToArray();
        var test = Directory.GetFiles(Path.Combine(BenchmarkAssets.Root, "test"), "*.png", SearchOption.AllDirectories).Order(StringComparer.Ordinal).ToArray();
        var folder = Path.Combine(Path.GetTempPath(), "tl-int8-bench");
        var photos = SyntheticImages.WriteJpegs(folder, count);
        Console.WriteLine($"CPU: {Isa()}; {Environment.ProcessorCount} cores; {count} synthetic 500x375 JPEGs, batch 32; calibration: 256 bundled training images, {method}; cosine over the {test.Length} bundled test images");
        Console.WriteLine($"{"backbone",-16} {"calibrate s",11} {"fp32 net",9} {"int8 net",9} {"ratio",6} {"fp32 e2e",9} {"int8 e2e",9} {"ratio",6} {"cosine med",10} {"min",6}");
        foreach (var name in backbones)
        {
            var spec = BackboneCatalog.Get(name);
            var clock = Stopwatch.StartNew();
            var int8 = await BackboneQuantizer.CalibrateAsync(spec, calibration, new QuantizationOptions { Method = method });
            var calibrate = clock.Elapsed.TotalSeconds;
            if (args.Contains("--probe"))
            {
                clock.Restart();
                await BackboneQuantizer.CalibrateAsync(spec, calibration[..32], new QuantizationOptions { Method = method });
                Console.WriteLine($"calibrate 32 images: {clock.Elapsed.TotalSeconds:F2} s vs 256: {calibrate:F2} s");
            }
            var fp32Net = NetworkOnly(spec, null);
            var int8Net = NetworkOnly(spec, int8);
            var (fp32E2e, _) = await EndToEndAsync(spec, photos, null);
            var (int8E2e, _) = await EndToEndAsync(spec, photos, int8);
            var (_, fp32Features) = await EndToEndAsync(spec, test, null);
            var (_, int8Features) = await EndToEndAsync(spec, test, int8);
            var cosines = fp32Features.Zip(int8Features, (a, b) => (double)TensorPrimitives.CosineSimilarity(a, b)).Order().ToArray();
            Console.WriteLine($"{name,-16} {calibrate,11:F1} {fp32Net,9:F1} {int8Net,9:F1} {int8Net / fp32Net,6:F2} {fp32E2e,9:F1} {int8E2e,9:F1} {int8E2e / fp32E2e,6:F2} {cosines[cosines.Length / 2],10:F4} {cosines[0],6:F3}");
        }
    }

    private static double NetworkOnly(BackboneSpec spec, Int8Calibration? int8, int batch = 32, int batches = 12)
    {
        using var runner = BackboneRunner.Load(spec, 0, null, null, null,
            int8 is null ? null : (rewrite, sha) => BackboneQuantizer.Build(rewrite, sha, spec, int8));
        var random = new Random(0);
        var input = Enumerable.Range(0, batch * 3 * spec.InputSize.Area).Select(_ => random.NextSingle() * 255 - 128).ToArray();
        runner.Run(input, batch);
        var clock = Stopwatch.StartNew();
        for (var i = 0; i < batches; i++) runner.Run(input, batch);
        return batches * batch / clock.Elapsed.TotalSeconds;
    }

    private static async Task<(double Rate, float[][] Features)> EndToEndAsync(BackboneSpec spec, string[] paths, Int8Calibration? int8)
    {
        using var featurizer = BottleneckFeaturizer.Create(spec, new FeaturizerOptions { Int8 = int8 });
        await featurizer.FeaturizeAsync(paths[..32]); // warm-up
        var clock = Stopwatch.StartNew();
        var result = await featurizer.FeaturizeAsync(paths);
        return (paths.Length / clock.Elapsed.TotalSeconds, [.. result.Features.Select(f => f!)]);
    }

    public static string Isa() => string.Join(" ", new[]
    {
        Avx2.IsSupported ? "AVX2" : null, Avx512F.IsSupported ? "AVX-512" : null, AvxVnni.IsSupported ? "AVX-VNNI" : null,
        QuantizationOptions.CpuHasVnni ? "VNNI" : "no VNNI",
        Avx512F.IsSupported && (X86Base.CpuId(7, 0).Edx & (1 << 25)) != 0 ? "AMX-INT8" : "no AMX",
    }.Where(s => s is not null));

    private static string? Option(string[] args, string name) => Array.IndexOf(args, name) is var i and >= 0 && i + 1 < args.Length ? args[i + 1] : null;
}
