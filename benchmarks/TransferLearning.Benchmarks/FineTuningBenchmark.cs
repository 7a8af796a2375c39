using System.Diagnostics;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using TransferLearning.ImageClassification;
using TransferLearning.ImageClassification.Data;
using TransferLearning.ImageClassification.Features;
using TransferLearning.ImageClassification.FineTuning;

namespace TransferLearning.Benchmarks;

/// <summary>
/// Frozen against fine-tuned on one split and seed: <c>TrainAsync</c> with <c>WithFineTuning</c> trains the best frozen
/// head (the default dense head) first, so one run gives both test accuracies. Then the fine-tuned classifier is
/// evaluated again from the images, end to end on ONNX Runtime in float32, to measure what the float16 map cache
/// changes. Needs LibTorch (on these Debian 12 machines, in the Debian 13 root: .ci/debian13.sh).
/// </summary>
internal static class FineTuningBenchmark
{
    /// <summary>finetune TRAIN TEST [--stages 1] [--epochs 4] [--flip] [--cache DIR] [--json FILE]</summary>
    public static async Task RunAsync(string[] args)
    {
        if (!LibTorch.IsAvailable(out var reason)) throw new InvalidOperationException(reason);
        var (train, test) = (args[0], args[1]);
        var options = new FineTuningOptions
        {
            Stages = int.Parse(Option(args, "--stages") ?? "1"),
            Epochs = int.Parse(Option(args, "--epochs") ?? "4"),
        };
        using var loggers = LoggerFactory.Create(b => b.AddSimpleConsole(o => o.SingleLine = true));
        var clock = Stopwatch.StartNew();
        var result = await new TransferClassifierBuilder()
            .WithImages(train)
            .WithTestImages(test)
            .WithFeaturizer(o => new FeaturizerOptions(o)
            {
                CacheDirectory = Option(args, "--cache") ?? o.CacheDirectory,
                HorizontalFlip = args.Contains("--flip"),
            })
            .WithFineTuning(options)
            .WithLogger(loggers.CreateLogger("finetune"))
            .TrainAsync();
        var seconds = clock.Elapsed.TotalSeconds;
        var trainingPeak = Process.GetCurrentProcess().PeakWorkingSet64 / 1e9; // before the evaluation below
        using var classifier = result.Classifier;
        var report = result.Report;
        var tuning = report.FineTuning!;
        var endToEnd = await classifier.EvaluateAsync(ImageDataset.FromFolder(test).Images);
        var peak = Process.GetCurrentProcess().PeakWorkingSet64 / 1e9;
        Console.WriteLine($"images: {report.Counts.Train} train, {report.Counts.Validation} validation, {report.Counts.Test} test; flip {args.Contains("--flip")}");
        Console.WriteLine($"frozen (default dense head): test accuracy {tuning.FrozenTest?.Accuracy:F4}, validation loss {tuning.FrozenValidationLoss:F4} accuracy {tuning.FrozenValidationAccuracy:F4}");
        Console.WriteLine($"fine-tuned {tuning.Stages} stage(s) from {tuning.Boundary} ({tuning.TrainedWeights:N0} weights): test accuracy {report.Test?.Accuracy:F4} (float16 maps) / {endToEnd.Metrics.Accuracy:F4} (images, float32 end to end), validation loss {tuning.ValidationLoss:F4} accuracy {tuning.ValidationAccuracy:F4}, helped {tuning.Helped}");
        Console.WriteLine($"epochs {tuning.Epochs}, best {tuning.BestEpoch}; {tuning.ImagesPerSecond:F1} img/s training; maps {tuning.MapSeconds:F0} s, fine-tuning {tuning.TrainSeconds:F0} s, whole run {seconds:F0} s; peak working set {trainingPeak:F2} GB training, {peak:F2} GB after the evaluation; verified within {tuning.VerifiedDifference:G2}");
        foreach (var epoch in report.History.Where(e => e.Phase == "fine-tuning")) Console.WriteLine($"  {epoch}");
        if (Option(args, "--json") is { } json)
            await File.WriteAllTextAsync(json, JsonSerializer.Serialize(new
            {
                report.Counts, FrozenTest = tuning.FrozenTest?.Accuracy, TunedTest = report.Test?.Accuracy,
                EndToEndTest = endToEnd.Metrics.Accuracy, tuning, TrainingPeakGigabytes = trainingPeak, PeakGigabytes = peak,
                Seconds = seconds,
            }, new JsonSerializerOptions { WriteIndented = true }));
    }

    private static string? Option(string[] args, string name) =>
        args.SkipWhile(a => a != name).Skip(1).FirstOrDefault();
}
