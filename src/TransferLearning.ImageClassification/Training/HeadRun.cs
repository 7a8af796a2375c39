using System.Diagnostics;
using Microsoft.Extensions.Logging;
using TransferLearning.ImageClassification.Data;
using TransferLearning.ImageClassification.Evaluation;
using TransferLearning.ImageClassification.Features;
using TransferLearning.ImageClassification.Head;
using TransferLearning.ImageClassification.Novelty;

namespace TransferLearning.ImageClassification.Training;

/// <summary>One head trained on one backbone's features of a split, evaluated before and after: the shared core of a
/// training run and of each comparison row.</summary>
internal static class HeadRun
{
    /// <summary>Trains and evaluates; <c>Classes</c> are the classes the head knows: those with at least one usable
    /// training image.</summary>
    /// <exception cref="DatasetException">Fewer than two classes have a usable training image.</exception>
    public static (IClassifierHead Head, IReadOnlyList<string> Classes, NoveltyDetector? Novelty,
        TrainingReport Report) Fit(
        TrainingSettings s, IHeadRecipe recipe, BottleneckFeaturizer featurizer, DatasetSplit split,
        FeaturizationResult features, CancellationToken cancellationToken,
        double calibrateSeconds = 0)
    {
        var usable = Usable(split, features);
        var (classes, dropped) = TrainableClasses(s.Data.Classes, split, usable);
        var lookup = new SplitFeatures(classes, split, features);
        var (trainingSet, validationSet) = (lookup.Examples(0), lookup.Examples(1));
        var clock = Stopwatch.StartNew();
        var trained = recipe.Train(trainingSet, validationSet.Count > 0 ? validationSet
            : null, classes.Count, s.OnEpoch, cancellationToken);
        var trainSeconds = clock.Elapsed.TotalSeconds;
        var wide = featurizer.FeatureSize > NoveltyDetector.MaxFeatures;
        var (novelty, noveltyReport) = s.Novelty is { } options && !wide
            ? FitNovelty(options, trainingSet, lookup, classes.Count) : (null, null);

        var (initial, test) = lookup.Evaluate(trained.Initial, trained.Trained);
        var report = new TrainingReport(
            featurizer.Backbone.Name,
            featurizer.Device.ToString(),
            featurizer.Backbone.InputSize.ToString(),
            new ImageCounts(lookup.Count(0), lookup.Count(1), lookup.Count(2), features.Skipped.Count),
            features.Skipped,
            initial,
            test,
            trained.History,
            new Timings(
                features.Elapsed.TotalSeconds, features.ImagesPerSecond, features.Computed, trainSeconds,
                features.BackboneTime.TotalSeconds, calibrateSeconds))
        {
            Head = recipe.Name,
            Precision = featurizer.Precision,
            Novelty = noveltyReport,
            Warnings =
            [
                .. s.Data.Warnings, .. s.TestData?.Warnings ?? [], .. dropped,
                .. DataChecks.SplitGaps(usable, classes),
                .. DataChecks.Duplicates(split, features), .. DataChecks.NonFinite("test", test),
                .. s.Novelty is not null && wide ? [$"No novelty detector: {featurizer.FeatureSize} features is over " +
                    $"the {NoveltyDetector.MaxFeatures} one is fitted for (pool the backbone's map)."] : Array.Empty<string>(),
                .. noveltyReport is { CalibratedOn: "training" } ? ["No validation images: the novelty threshold was " +
                    "chosen on the training images, so it flags more unseen familiar images than " +
                    "NoveltyOptions.Acceptance asks."] : Array.Empty<string>(),
            ],
        };
        return (trained.Trained, classes, novelty, report);
    }

    /// <summary>The novelty detector on the training features, its threshold chosen on the validation images (the
    /// training images when there are none).</summary>
    internal static (NoveltyDetector, NoveltyReport) FitNovelty(
        NoveltyOptions options, LabeledFeatures training, SplitFeatures lookup, int classes)
    {
        var clock = Stopwatch.StartNew();
        var onValidation = lookup.Count(1) > 0;
        var calibration = lookup.Views(onValidation ? 1 : 0);
        var detector = NoveltyDetector.Fit(training, classes, calibration, options.Acceptance, options.Space);
        double Accepted(IReadOnlyList<float[]> images) =>
            images.Count(v => detector.ScoreMean(v) <= detector.Threshold) / (double)images.Count;
        var test = lookup.Views(2);
        return (detector, new NoveltyReport(detector.Threshold, options.Acceptance, Accepted(calibration),
            onValidation ? "validation" : "training", test.Count > 0 ? Accepted(test) : null,
            clock.Elapsed.TotalSeconds));
    }

    public static void LogSkipped(ILogger logger, FeaturizationResult features)
    {
        foreach (var skipped in features.Skipped)
            logger.LogWarning("Skipped {Path}: {Reason}", skipped.Path, skipped.Reason);
        if (features.Skipped.Count > 0)
            logger.LogWarning("Skipped {Count} images that could not be used", features.Skipped.Count);
    }

    public static void LogWarnings(ILogger logger, TrainingReport report)
    {
        foreach (var warning in report.Warnings) logger.LogWarning("{Warning}", warning);
    }

    /// <summary>The split without the images that were skipped (the featurized paths are train, validation, test in
    /// order).</summary>
    private static DatasetSplit Usable(DatasetSplit split, FeaturizationResult features)
    {
        var at = 0;
        IReadOnlyList<LabeledImage> Keep(IReadOnlyList<LabeledImage> part) =>
            part.Where(_ => features.Features[at++] is not null).ToArray();
        return new DatasetSplit(Keep(split.Train), Keep(split.Validation), Keep(split.Test));
    }

    /// <summary>A class none of whose training images could be used cannot be learned: it is dropped, with a warning,
    /// rather than kept as a class the head never saw.</summary>
    private static (IReadOnlyList<string> Classes, IReadOnlyList<string> Warnings) TrainableClasses(
        IReadOnlyList<string> classes, DatasetSplit listed, DatasetSplit usable)
    {
        var trainable = usable.Train.Select(i => i.Label).ToHashSet(StringComparer.Ordinal);
        var kept = classes.Where(trainable.Contains).ToArray();
        if (kept.Length < 2)
            throw new DatasetException(kept.Length == 0
                ? "No training image could be used; see the skipped list for why."
                : $"Only class '{kept[0]}' has usable training images; a classifier needs two. See the skipped list " +
                    "for why.");
        var warnings = classes.Except(kept).Select(c =>
            $"Dropped class '{c}': none of its {listed.Train.Count(i => i.Label == c)} training images could be used" +
            $" (its {listed.Test.Count(i => i.Label == c)} test images are left out too).").ToArray();
        return (kept, warnings);
    }
}
