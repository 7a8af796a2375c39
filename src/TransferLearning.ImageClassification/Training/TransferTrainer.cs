using System.Diagnostics;
using Microsoft.Extensions.Logging;
using TransferLearning.ImageClassification.Backbones;
using TransferLearning.ImageClassification.Classification;
using TransferLearning.ImageClassification.Data;
using TransferLearning.ImageClassification.Evaluation;
using TransferLearning.ImageClassification.Features;
using TransferLearning.ImageClassification.Head;

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
    /// <exception cref="BackboneNotFoundException">The backbone file is missing or not the expected one.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled; cached features stay valid.</exception>
    public async Task<TrainingResult> TrainAsync(CancellationToken cancellationToken = default)
    {
        var s = Settings;
        var split = Split(s);
        await Downloads.ModelStore.At(s.Featurizer.ModelDirectory).EnsureAsync(s.Backbone, s.DownloadProgress, cancellationToken).ConfigureAwait(false);
        var featurizer = BottleneckFeaturizer.Create(s.Backbone, s.Featurizer, s.Logger);
        try
        {
            var paths = split.Train.Concat(split.Validation).Concat(split.Test).Select(i => i.Path).ToArray();
            s.Logger.LogInformation("Featurizing {Count} images with {Backbone}", paths.Length, s.Backbone.Name);
            var features = await featurizer.FeaturizeAsync(paths, s.Progress, cancellationToken).ConfigureAwait(false);
            foreach (var skipped in features.Skipped) s.Logger.LogWarning("Skipped {Path}: {Reason}", skipped.Path, skipped.Reason);
            if (features.Skipped.Count > 0) s.Logger.LogWarning("Skipped {Count} images that could not be used", features.Skipped.Count);

            var lookup = new SplitFeatures(s.Data.Classes, split, features);
            var trainSet = lookup.Examples(0);
            if (trainSet.Count == 0) throw new DatasetException("No training image could be used; see the skipped list for why.");
            var validationSet = lookup.Examples(1);
            var clock = Stopwatch.StartNew();
            var trained = s.Head.Train(trainSet, validationSet.Count > 0 ? validationSet : null, s.Data.Classes.Count, s.OnEpoch, cancellationToken);
            var trainSeconds = clock.Elapsed.TotalSeconds;

            var classifier = new TransferClassifier(featurizer, trained.Trained, s.Data.Classes);
            var (initial, test) = lookup.Evaluate(trained.Initial, trained.Trained);
            var report = new TrainingReport(
                s.Backbone.Name,
                featurizer.Device.ToString(),
                s.Backbone.InputSize.ToString(),
                new ImageCounts(lookup.Count(0), lookup.Count(1), lookup.Count(2), features.Skipped.Count),
                features.Skipped,
                initial,
                test,
                trained.History,
                new Timings(features.Elapsed.TotalSeconds, features.ImagesPerSecond, features.Computed, trainSeconds));
            return new TrainingResult(classifier, report);
        }
        catch
        {
            featurizer.Dispose();
            throw;
        }
    }

    private static DatasetSplit Split(TrainingSettings s)
    {
        if (s.TestData is null) return s.Data.Split(s.Ratios, s.Seed);
        var unknown = s.TestData.Classes.Except(s.Data.Classes).ToArray();
        if (unknown.Length > 0)
            throw new DatasetException($"Test images have classes the training images lack: {string.Join(", ", unknown)}.");
        var split = s.Data.Split(s.Ratios.WithoutTest(), s.Seed);
        return split with { Test = s.TestData.Images };
    }

    /// <summary>The split's parts as features: skipped images left out, labels as class indices.</summary>
    private sealed class SplitFeatures
    {
        private readonly IReadOnlyList<string> _classes;
        private readonly FeaturizationResult _result;
        private readonly (int At, int Label)[][] _parts; // train, validation, test: index into the result, class index

        public SplitFeatures(IReadOnlyList<string> classes, DatasetSplit split, FeaturizationResult result)
        {
            var classIndex = classes.Select((name, k) => (name, k)).ToDictionary(c => c.name, c => c.k, StringComparer.Ordinal);
            var at = 0;
            _parts = [.. new[] { split.Train, split.Validation, split.Test }.Select(part => part
                .Select(image => (At: at++, Label: classIndex[image.Label]))
                .Where(row => result.Features[row.At] is not null)
                .ToArray())];
            (_classes, _result) = (classes, result);
        }

        public int Count(int part) => _parts[part].Length;

        /// <summary>A part's examples for training: every view (the image, its mirror image) is an example of its own.</summary>
        public LabeledFeatures Examples(int part)
        {
            var rows = _parts[part];
            IReadOnlyList<float[]?>[] views = _result.MirroredFeatures is { } mirrored ? [_result.Features, mirrored] : [_result.Features];
            return new LabeledFeatures(
                views.SelectMany(view => rows.Select(r => view[r.At]!)).ToArray(),
                views.SelectMany(_ => rows.Select(r => r.Label)).ToArray());
        }

        /// <summary>Test metrics of the untrained and the trained head, averaging over views as prediction does; nulls without test images.</summary>
        public (InitialMetrics?, ClassificationMetrics?) Evaluate(IClassifierHead? initial, IClassifierHead trained)
        {
            var test = _parts[2];
            if (test.Length == 0) return (null, null);
            var labels = test.Select(r => r.Label).ToArray();
            ClassificationMetrics Score(IClassifierHead head) =>
                ClassifierEvaluator.Evaluate(labels, test.Select(r => head.PredictMean(_result.Views(r.At))).ToArray(), _classes);
            var before = initial is null ? null : Score(initial);
            return (before is null ? null : new InitialMetrics(before.Accuracy, before.LogLoss), Score(trained));
        }
    }
}
