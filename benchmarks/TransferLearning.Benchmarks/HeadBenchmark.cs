using TransferLearning.ImageClassification;
using TransferLearning.ImageClassification.Backbones;
using TransferLearning.ImageClassification.Data;
using TransferLearning.ImageClassification.Features;
using TransferLearning.ImageClassification.Head;

namespace TransferLearning.Benchmarks;

/// <summary>
/// Head recipes on the same cached ResNet18 features of the bundled split (train folder split 9:1 into train and
/// validation, test folder held out), through <c>TransferExperiment</c>: the article's recipe, the default head,
/// ML.NET's LbfgsMaximumEntropy, and with <c>--candidates</c> the variants the default was chosen from (by validation
/// accuracy at the best epoch, not by test accuracy).
/// </summary>
internal static class HeadBenchmark
{
    private const int Seed = 42;

    public static async Task RunAsync(string[] args)
    {
        var flip = args.Contains("--flip");
        var pooling = args.Contains("--avgmax") ? FeaturePooling.GlobalAverageAndMax : FeaturePooling.GlobalAverage;
        var size = args.SkipWhile(a => a != "--size").Skip(1).Select(int.Parse).DefaultIfEmpty(224).First();
        var node = args.SkipWhile(a => a != "--node").Skip(1).DefaultIfEmpty(BackboneCatalog.ResNet18.FeatureNode).First();
        var cache = args.Where((a, i) => !a.StartsWith("--", StringComparison.Ordinal) && (i == 0 || args[i - 1] is not ("--size" or "--node"))).FirstOrDefault() ?? FeaturizerOptions.DefaultCacheDirectory;
        IHeadRecipe[] heads = args.Contains("--candidates") ? Candidates() : [HeadOptions.Article, new HeadOptions { HiddenLayers = [], Dropout = 0, Name = "dense-linear" }, new HeadOptions(), MLNetHeadOptions.LbfgsMaximumEntropy];

        var result = await new TransferClassifierBuilder()
            .WithImages(Path.Combine(BenchmarkAssets.Root, "train")).WithTestImages(Path.Combine(BenchmarkAssets.Root, "test"))
            .WithSplit(SplitRatios.Default, Seed).WithFeaturizer(o => new(o) { CacheDirectory = cache, HorizontalFlip = flip })
            .BuildExperiment([new BackboneSpec(BackboneCatalog.ResNet18) { Pooling = pooling, FeatureSize = null, InputSize = new(size, size), FeatureNode = node }], heads)
            .RunAsync();

        Console.WriteLine($"ResNet18 features at {node} ({pooling}, {size}x{size}), mirror images {(flip ? "on" : "off")}");
        Console.WriteLine($"{"head",-28} {"val acc",8} {"test acc",9} {"log-loss",9} {"epochs",7} {"head s",7}");
        foreach (var e in result.Entries)
        {
            var r = e.Report;
            var validation = r.History.Where(h => h.ValidationLoss is not null).MinBy(h => h.ValidationLoss)?.ValidationAccuracy;
            Console.WriteLine($"{r.Head,-28} {validation,8:F4} {r.Test!.Accuracy,9:F4} {r.Test.LogLoss,9:F4} {r.History.Count,7} {r.Timings.TrainSeconds,7:F1}");
        }
    }

    private static IHeadRecipe[] Candidates() =>
    [
        new HeadOptions(),
        new HeadOptions { Name = "512", HiddenLayers = [512] },
        new HeadOptions { Name = "1024-d0.6", HiddenLayers = [1024], Dropout = 0.6f },
        new HeadOptions { Name = "256-ls0.1", LabelSmoothing = 0.1f },
        new HeadOptions { Name = "512-ls0.1", HiddenLayers = [512], LabelSmoothing = 0.1f },
        new HeadOptions { Name = "512-adamw-cosine", HiddenLayers = [512], Optimizer = Optimizer.AdamW(weightDecay: 0.05f), LearningRate = 1e-3f, Schedule = LearningRateSchedule.Cosine(), EarlyStoppingPatience = 0, Epochs = 60 },
        new HeadOptions { Name = "512-l2-3e-2", HiddenLayers = [512], L2 = 3e-2f },
        new HeadOptions { Name = "512x256", HiddenLayers = [512, 256] },
    ];
}
