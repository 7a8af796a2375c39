using System.Diagnostics;
using Microsoft.Extensions.Logging;
using TransferLearning.ImageClassification.Data;
using TransferLearning.ImageClassification.Features;
using TransferLearning.ImageClassification.Head;

namespace TransferLearning.ImageClassification.Training;

/// <summary>One head trained on one backbone's features of a split, evaluated before and after: the shared core of a training run and of each comparison row.</summary>
internal static class HeadRun
{
    public static (IClassifierHead Head, TrainingReport Report) Fit(
        TrainingSettings s, IHeadRecipe recipe, BottleneckFeaturizer featurizer, DatasetSplit split, FeaturizationResult features, CancellationToken cancellationToken)
    {
        var lookup = new SplitFeatures(s.Data.Classes, split, features);
        var trainSet = lookup.Examples(0);
        if (trainSet.Count == 0) throw new DatasetException("No training image could be used; see the skipped list for why.");
        var validationSet = lookup.Examples(1);
        var clock = Stopwatch.StartNew();
        var trained = recipe.Train(trainSet, validationSet.Count > 0 ? validationSet : null, s.Data.Classes.Count, s.OnEpoch, cancellationToken);
        var trainSeconds = clock.Elapsed.TotalSeconds;

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
            new Timings(features.Elapsed.TotalSeconds, features.ImagesPerSecond, features.Computed, trainSeconds, features.BackboneTime.TotalSeconds))
        {
            Head = recipe.Name,
        };
        return (trained.Trained, report);
    }

    public static void LogSkipped(ILogger logger, FeaturizationResult features)
    {
        foreach (var skipped in features.Skipped) logger.LogWarning("Skipped {Path}: {Reason}", skipped.Path, skipped.Reason);
        if (features.Skipped.Count > 0) logger.LogWarning("Skipped {Count} images that could not be used", features.Skipped.Count);
    }
}
