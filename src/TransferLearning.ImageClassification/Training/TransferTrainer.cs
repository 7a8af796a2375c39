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
        var featurizer = BottleneckFeaturizer.Create(s.Backbone, s.Featurizer);
        try
        {
            var paths = split.Train.Concat(split.Validation).Concat(split.Test).Select(i => i.Path).ToArray();
            s.Logger.LogInformation("Featurizing {Count} images with {Backbone}", paths.Length, s.Backbone.Name);
            var features = await featurizer.FeaturizeAsync(paths, s.Progress, cancellationToken).ConfigureAwait(false);
            foreach (var skipped in features.Skipped) s.Logger.LogWarning("Skipped {Path}: {Reason}", skipped.Path, skipped.Reason);
            if (features.Skipped.Count > 0) s.Logger.LogWarning("Skipped {Count} images that could not be used", features.Skipped.Count);

            var lookup = new SplitFeatures(s.Data.Classes, split, features);
            var trainSet = lookup.Part(0, withMirrored: true);
            if (trainSet.Count == 0) throw new DatasetException("No training image could be used; see the skipped list for why.");
            var validationSet = lookup.Part(1, withMirrored: true);
            var clock = Stopwatch.StartNew();
            var trained = new HeadTrainer(s.Head).Train(
                trainSet, validationSet.Count > 0 ? validationSet : null, s.Data.Classes.Count, s.OnEpoch, cancellationToken);
            var trainSeconds = clock.Elapsed.TotalSeconds;

            var classifier = new TransferClassifier(featurizer, trained.Trained, s.Data.Classes);
            var (initial, test) = lookup.Evaluate(classifier, trained.Initial);
            var report = new TrainingReport(
                s.Backbone.Name,
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

    /// <summary>Features of the split's parts, skipped images left out.</summary>
    private sealed class SplitFeatures(IReadOnlyList<string> classes, DatasetSplit split, FeaturizationResult result)
    {
        private readonly (float[] Features, float[]? Mirrored, int Label)[][] _parts = Gather(classes, split, result);

        public int Count(int part) => _parts[part].Length;

        public LabeledFeatures Part(int part, bool withMirrored)
        {
            var rows = _parts[part];
            var mirrored = withMirrored ? rows.Where(r => r.Mirrored is not null).Select(r => (r.Mirrored!, r.Label)) : [];
            var all = rows.Select(r => (r.Features, r.Label)).Concat(mirrored).ToArray();
            return new LabeledFeatures(all.Select(r => r.Item1).ToArray(), all.Select(r => r.Label).ToArray());
        }

        /// <summary>Initial (untrained head) and final metrics on the test part; nulls without test images.</summary>
        public (InitialMetrics?, ClassificationMetrics?) Evaluate(TransferClassifier classifier, DenseHead initialHead)
        {
            var test = _parts[2];
            if (test.Length == 0) return (null, null);
            var labels = test.Select(r => r.Label).ToArray();
            float[] Views(int i) => test[i].Mirrored is { } m ? [.. test[i].Features, .. m] : test[i].Features;
            var final = ClassifierEvaluator.Evaluate(labels, test.Select((_, i) => classifier.Probabilities(Views(i))).ToArray(), classes);
            var initial = ClassifierEvaluator.Evaluate(labels, test.Select(r => initialHead.Predict(r.Features)).ToArray(), classes);
            return (new InitialMetrics(initial.Accuracy, initial.LogLoss), final);
        }

        private static (float[], float[]?, int)[][] Gather(IReadOnlyList<string> classes, DatasetSplit split, FeaturizationResult result)
        {
            var index = 0;
            return [.. new[] { split.Train, split.Validation, split.Test }.Select(part => part
                .Select(image => (Image: image, At: index++))
                .Where(x => result.Features[x.At] is not null)
                .Select(x => (result.Features[x.At]!, result.MirroredFeatures?[x.At], IndexOf(classes, x.Image.Label)))
                .ToArray())];
        }

        private static int IndexOf(IReadOnlyList<string> classes, string label)
        {
            for (var k = 0; k < classes.Count; k++)
                if (classes[k] == label) return k;
            throw new DatasetException($"Unknown class '{label}'.");
        }
    }
}
