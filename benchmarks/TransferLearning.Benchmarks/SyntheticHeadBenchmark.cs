using System.Diagnostics;
using TransferLearning.ImageClassification.Head;

namespace TransferLearning.Benchmarks;

/// <summary>
/// The head alone on synthetic features the size of a large featurized set (default 20,000 × 2,048, 10 classes):
/// seconds per epoch of the default head (256 hidden, Adam, dropout 0.5) at several batch sizes, and with
/// <c>--pytorch</c> the same head, optimiser, data and batch sizes in PyTorch (benchmarks/pytorch/head_synthetic.py), in
/// the same run.
/// </summary>
internal static class SyntheticHeadBenchmark
{
    public static void Run(string[] args)
    {
        int Option(string name, int fallback) => args.SkipWhile(a => a != name).Skip(1).Select(int.Parse).DefaultIfEmpty(fallback).First();
        var (count, size, classes, epochs) = (Option("--rows", 20_000), Option("--features", 2048), Option("--classes", 10), Option("--epochs", 3));
        var batches = args.SkipWhile(a => a != "--batches").Skip(1).Select(s => s.Split(',').Select(int.Parse).ToArray()).DefaultIfEmpty([32, 128, 512]).First();

        var (train, validation) = (Features(count, size, classes, seed: 1), Features(count / 10, size, classes, seed: 2));
        Console.WriteLine($"Synthetic head benchmark: {count:N0} x {size:N0} training features, {validation.Count:N0} validation, {classes} classes, " +
                          $"{epochs} epochs, {Environment.ProcessorCount} cores, {(System.Runtime.Intrinsics.X86.Avx512F.IsSupported ? "AVX-512" : System.Runtime.Intrinsics.X86.Avx2.IsSupported ? "AVX2" : "no AVX2")}");
        Console.WriteLine($"{"engine",-10} {"batch",6} {"s/epoch",8} {"val acc",8}");
        foreach (var batch in batches)
        {
            var options = new HeadOptions { BatchSize = batch, Epochs = epochs, EarlyStoppingPatience = 0 };
            var clock = Stopwatch.StartNew();
            var perEpoch = new List<double>();
            var history = new HeadTrainer(options).Train(train, validation, classes, _ =>
            {
                perEpoch.Add(clock.Elapsed.TotalSeconds);
                clock.Restart();
            }).History;
            // The first epoch also pays for standardising the features and warming the JIT; the rest are steady state.
            var steady = perEpoch.Count > 1 ? perEpoch.Skip(1).Average() : perEpoch[0];
            Console.WriteLine($"{"library",-10} {batch,6} {steady,8:F2} {history[^1].ValidationAccuracy,8:F4}");
        }

        if (args.Contains("--pytorch")) RunPyTorch(train, validation, classes, epochs, batches);
    }

    /// <summary>Gaussian clusters: each class has a random mean direction, weak against unit noise, so accuracy is informative.</summary>
    private static LabeledFeatures Features(int count, int size, int classes, int seed)
    {
        var means = new Random(0);
        var centre = Enumerable.Range(0, classes).Select(_ => Enumerable.Range(0, size).Select(_ => (float)(Normal(means) * 0.04)).ToArray()).ToArray();
        var random = new Random(seed);
        var labels = Enumerable.Range(0, count).Select(i => i % classes).ToArray();
        var rows = labels.Select(label => centre[label].Select(m => m + (float)Normal(random)).ToArray()).ToArray();
        return new LabeledFeatures(rows, labels);
    }

    private static double Normal(Random random) =>
        Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());

    private static void RunPyTorch(LabeledFeatures train, LabeledFeatures validation, int classes, int epochs, int[] batches)
    {
        var folder = Directory.CreateTempSubdirectory("head-bench-");
        try
        {
            Write(train, Path.Combine(folder.FullName, "train"));
            Write(validation, Path.Combine(folder.FullName, "validation"));
            var script = Path.Combine(AppContext.BaseDirectory, "head_synthetic.py");
            var python = File.Exists("/usr/bin/python3") ? "/usr/bin/python3" : "python3";
            var start = new ProcessStartInfo(python, [script, folder.FullName, classes.ToString(), epochs.ToString(), string.Join(',', batches)]);
            using var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {python}.");
            process.WaitForExit();
            if (process.ExitCode != 0) Console.WriteLine($"PyTorch run failed (exit {process.ExitCode}); install python3-torch and libopenblas0-pthread.");
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    /// <summary>Raw little-endian float32 rows and int32 labels, which numpy.fromfile reads as they are.</summary>
    private static void Write(LabeledFeatures data, string prefix)
    {
        using (var features = new BinaryWriter(File.Create(prefix + ".f32")))
            foreach (var row in data.Features) features.Write(System.Runtime.InteropServices.MemoryMarshal.AsBytes(row.AsSpan()));
        using var labels = new BinaryWriter(File.Create(prefix + ".i32"));
        foreach (var label in data.Labels) labels.Write(label);
    }
}
