using Microsoft.Extensions.Logging;
using TransferLearning.ImageClassification.Backbones;
using TransferLearning.ImageClassification.Downloads;
using TransferLearning.ImageClassification.Features;
using TransferLearning.ImageClassification.Head;
using TransferLearning.ImageClassification.Training;

namespace TransferLearning.ImageClassification.Experiments;

/// <summary>
/// The article's headline in one call: several backbones (and heads) on the SAME split. Every image is read and
/// decoded once for all backbones, each backbone's features are cached, and every head trains on the same features.
/// Made by <see cref="TransferClassifierBuilder.BuildExperiment"/>; immutable, run it as often as you like.
/// </summary>
public sealed class TransferExperiment
{
    private readonly TrainingSettings _settings;

    internal TransferExperiment(
        TrainingSettings settings, IReadOnlyList<BackboneSpec> backbones, IReadOnlyList<IHeadRecipe> heads)
    {
        if (backbones.Count == 0) throw new ArgumentException("Name at least one backbone.", nameof(backbones));
        if (heads.Count == 0) throw new ArgumentException("Name at least one head.", nameof(heads));
        if (backbones.Select(b => b.Name).Distinct(StringComparer.OrdinalIgnoreCase).Count() != backbones.Count)
            throw new ArgumentException("Each backbone may appear once.", nameof(backbones));
        (_settings, Backbones, Heads) = (settings, backbones, heads);
    }

    /// <summary>The backbones compared.</summary>
    internal IReadOnlyList<BackboneSpec> Backbones { get; }

    /// <summary>The heads trained on each backbone's features.</summary>
    internal IReadOnlyList<IHeadRecipe> Heads { get; }

    /// <summary>Downloads missing backbones, featurizes once, trains and evaluates every backbone × head.</summary>
    /// <exception cref="BackboneNotFoundException">A local backbone file is missing.</exception>
    /// <exception cref="Downloads.DownloadException">A backbone cannot be downloaded.</exception>
    /// <exception cref="BackboneMismatchException">A backbone file is not the pinned one.</exception>
    /// <exception cref="OperationCanceledException">Cancelled; cached features stay valid.</exception>
    public async Task<ExperimentResult> RunAsync(CancellationToken cancellationToken = default)
    {
        var s = _settings;
        var split = TransferTrainer.Split(s);
        var store = s.Featurizer.Models;
        foreach (var backbone in Backbones)
            await store.EnsureAsync(backbone, s.DownloadProgress, cancellationToken).ConfigureAwait(false);

        var featurizers = new List<BottleneckFeaturizer>();
        var calibrateSeconds = new List<double>();
        try
        {
            foreach (var backbone in Backbones)
            {
                var (options, seconds) = await TransferTrainer.FeaturizerOptionsAsync(
                    s, backbone, split, cancellationToken).ConfigureAwait(false);
                featurizers.Add(BottleneckFeaturizer.Create(backbone, options, s.Logger));
                calibrateSeconds.Add(seconds);
            }
            var paths = split.Train.Concat(split.Validation).Concat(split.Test).Select(i => i.Path).ToArray();
            s.Logger.LogInformation("Featurizing {Count} images with {Backbones}", paths.Length,
                string.Join(", ", Backbones.Select(b => b.Name)));
            var features = await BottleneckFeaturizer.FeaturizeManyAsync(
                featurizers, paths, s.Progress, cancellationToken).ConfigureAwait(false);
            HeadRun.LogSkipped(s.Logger, features[0]);

            var entries = new List<ExperimentEntry>();
            for (var k = 0; k < featurizers.Count; k++)
            {
                var backboneBytes = new FileInfo(store.GetPath(Backbones[k])).Length;
                foreach (var recipe in Heads)
                {
                    // A comparison keeps reports, not classifiers: no novelty detector to fit and throw away.
                    var (head, _, _, report) = HeadRun.Fit(s with { Novelty = null }, recipe, featurizers[k], split,
                        features[k], cancellationToken, calibrateSeconds[k]);
                    if (entries.Count == 0)
                        HeadRun.LogWarnings(s.Logger, report); // the data's warnings are the same for every row
                    entries.Add(new ExperimentEntry(
                        featurizers[k].FeatureSize, backboneBytes, Classification.ModelFile.HeadBytes(head), report));
                }
            }
            return new ExperimentResult(entries, features[0].Elapsed.TotalSeconds);
        }
        finally
        {
            foreach (var featurizer in featurizers) featurizer.Dispose();
        }
    }
}
