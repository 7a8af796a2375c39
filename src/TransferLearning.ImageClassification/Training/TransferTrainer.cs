using Microsoft.Extensions.Logging;
using TransferLearning.ImageClassification.Backbones;
using TransferLearning.ImageClassification.Classification;
using TransferLearning.ImageClassification.Data;
using TransferLearning.ImageClassification.Features;

namespace TransferLearning.ImageClassification.Training;

/// <summary>
/// A validated, immutable training recipe made by <see cref="TransferClassifierBuilder"/>: split → featurize (cached)
/// → train the head → evaluate before and after on the test part. Run it as often as you like.
/// </summary>
public sealed class TransferTrainer
{
    internal TransferTrainer(TrainingSettings settings) => Settings = settings;

    internal TrainingSettings Settings { get; }

    /// <summary>Trains a classifier and reports on it.</summary>
    /// <exception cref="DatasetException">Test images carry a label the training images do not have.</exception>
    /// <exception cref="BackboneNotFoundException">The backbone file is missing.</exception>
    /// <exception cref="BackboneMismatchException">The backbone file is not the pinned one, or the shards were made by
    /// another backbone.</exception>
    /// <exception cref="Downloads.DownloadException">The backbone cannot be downloaded.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled; cached features
    /// stay valid.</exception>
    public async Task<TrainingResult> TrainAsync(CancellationToken cancellationToken = default)
    {
        var s = Settings;
        var split = Split(s);
        await s.Featurizer.Models.EnsureAsync(s.Backbone, s.DownloadProgress, cancellationToken).ConfigureAwait(false);
        var (options, calibrateSeconds) =
            await FeaturizerOptionsAsync(s, s.Backbone, split, cancellationToken).ConfigureAwait(false);
        var featurizer = BottleneckFeaturizer.Create(s.Backbone, options, s.Logger);
        try
        {
            var paths = split.Train.Concat(split.Validation).Concat(split.Test).Select(i => i.Path).ToArray();
            FeaturizationResult features;
            if (s.Features is { } shards)
            {
                if (featurizer.Fingerprint is var fingerprint && fingerprint != shards.Fingerprint)
                    throw new BackboneMismatchException(
                        $"The shards' features were made as {shards.Fingerprint}; this backbone would make them as " +
                        $"{fingerprint}. Use the shards' backbone and size, with this library's preprocessing " +
                        "(re-featurize shards written by 0.4.0).");
                features = FromShards(shards, s.TestFeatures, split);
            }
            else
            {
                s.Logger.LogInformation("Featurizing {Count} images with {Backbone}", paths.Length, s.Backbone.Name);
                features = await featurizer.FeaturizeAsync(paths, s.Progress, cancellationToken).ConfigureAwait(false);
            }
            HeadRun.LogSkipped(s.Logger, features);

            var (head, classes, novelty, report) = HeadRun.Fit(
                s, s.Head, featurizer, split, features, cancellationToken, calibrateSeconds);
            HeadRun.LogWarnings(s.Logger, report);
            var result = new TrainingResult(new TransferClassifier(featurizer, head, classes, novelty), report);
            return s.Tuning is { } tuning
                ? await tuning.TuneAsync(new FrozenRun(s, split, features, result), cancellationToken)
                    .ConfigureAwait(false)
                : result;
        }
        catch
        {
            featurizer.Dispose();
            throw;
        }
    }

    /// <summary>The featurizer's options and the seconds spent calibrating them; with int8, calibrated first on a
    /// seeded draw from the training part.</summary>
    internal static async Task<(FeaturizerOptions Options, double CalibrateSeconds)> FeaturizerOptionsAsync(
        TrainingSettings s, BackboneSpec backbone, DatasetSplit split, CancellationToken cancellationToken)
    {
        if (s.Int8 is not { } quantization) return (s.Featurizer, 0);
        var images = split.Train.Select(i => i.Path).ToArray();
        new Random(s.Seed).Shuffle(images);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var calibration = await Quantization.BackboneQuantizer.CalibrateAsync(
            backbone, images[..Math.Min(images.Length, quantization.CalibrationImages)], quantization,
            s.Featurizer.Models, cancellationToken: cancellationToken).ConfigureAwait(false);
        s.Logger.LogInformation("Calibrated int8 {Backbone} on {Count} training images in {Seconds:F1} s",
            backbone.Name, calibration.Images, clock.Elapsed.TotalSeconds);
        return (new FeaturizerOptions(s.Featurizer) { Int8 = calibration }, clock.Elapsed.TotalSeconds);
    }

    /// <summary>The shards' features in split order (train, validation, test), as featurizing the images would give
    /// them.</summary>
    private static FeaturizationResult FromShards(
        PrecomputedFeatures shards, PrecomputedFeatures? testShards, DatasetSplit split)
    {
        var trainPart = shards.ResultFor(split.Train.Concat(split.Validation).Select(i => i.Path).ToArray());
        var testPart = (testShards ?? shards).ResultFor(split.Test.Select(i => i.Path).ToArray());
        return new FeaturizationResult(
            [.. trainPart.Features, .. testPart.Features], null, [.. trainPart.Skipped, .. testPart.Skipped],
            0, trainPart.FromCache + testPart.FromCache, TimeSpan.Zero,
            contentHashes: [.. trainPart.ContentHashes!, .. testPart.ContentHashes!]);
    }

    internal static DatasetSplit Split(TrainingSettings s)
    {
        if (s.TestData is null) return s.Data.Split(s.Ratios, s.Seed);
        var unknown = s.TestData.Classes.Except(s.Data.Classes).ToArray();
        if (unknown.Length > 0)
            throw new DatasetException(
                $"Test images have classes the training images lack: {string.Join(", ", unknown)}.");
        var split = s.Data.Split(s.Ratios.WithoutTest(), s.Seed);
        return new DatasetSplit(split.Train, split.Validation, s.TestData.Images);
    }
}
