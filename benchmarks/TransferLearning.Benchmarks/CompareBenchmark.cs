using System.Diagnostics;
using TransferLearning.ImageClassification.Backbones;
using TransferLearning.ImageClassification.Features;

namespace TransferLearning.Benchmarks;

/// <summary>
/// What decoding once for several backbones saves: each backbone featurizing the images on its own, against all of
/// them in one <see cref="BottleneckFeaturizer.FeaturizeManyAsync"/> pass. No cache, same images, same run.
/// </summary>
internal static class CompareBenchmark
{
    /// <summary>compare [--synthetic N] [--backbones a,b]</summary>
    public static async Task RunAsync(string[] args)
    {
        var synthetic = args.SkipWhile(a => a != "--synthetic").Skip(1).Select(int.Parse).DefaultIfEmpty(400).First();
        var names = args.SkipWhile(a => a != "--backbones").Skip(1).DefaultIfEmpty("resnet18,resnet18-layer3").First().Split(',');
        var paths = SyntheticImages.WriteJpegs(Path.Combine(Path.GetTempPath(), $"tl-synthetic-{synthetic}"), synthetic);
        var featurizers = names.Select(n => BottleneckFeaturizer.Create(BackboneCatalog.Get(n))).ToArray();
        try
        {
            await BottleneckFeaturizer.FeaturizeManyAsync(featurizers, paths[..8]); // warm every session
            var clock = Stopwatch.StartNew();
            foreach (var featurizer in featurizers) await featurizer.FeaturizeAsync(paths);
            var separate = clock.Elapsed.TotalSeconds;
            clock.Restart();
            await BottleneckFeaturizer.FeaturizeManyAsync(featurizers, paths);
            var together = clock.Elapsed.TotalSeconds;

            Console.WriteLine($"{paths.Length} synthetic 500x375 JPEGs; {Environment.ProcessorCount} cores; backbones {string.Join(", ", names)}");
            Console.WriteLine($"one run per backbone (decode per backbone): {separate,7:F1} s");
            Console.WriteLine($"one pass for all (decode once):             {together,7:F1} s");
            Console.WriteLine($"ratio separate / together:                  {separate / together,7:F2}");
        }
        finally
        {
            foreach (var featurizer in featurizers) featurizer.Dispose();
        }
    }
}
