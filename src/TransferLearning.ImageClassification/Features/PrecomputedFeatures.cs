using TransferLearning.ImageClassification.Data;
using TransferLearning.ImageClassification.Preprocessing;

namespace TransferLearning.ImageClassification.Features;

/// <summary>
/// Features computed before training (the Shards package's shard files), as the builder and the trainer see them: the
/// images they cover, how they were made, and a lookup. The core package trains on them without knowing their format.
/// </summary>
internal sealed class PrecomputedFeatures
{
    private readonly Func<IReadOnlyList<string>, FeaturizationResult> _resultFor;

    /// <param name="dataset">Every image the features cover, skipped ones included, with the paths the lookup
    /// takes.</param>
    /// <param name="backbone">Catalogue name of the backbone the features came from.</param>
    /// <param name="inputSize">Input size the images were resized to.</param>
    /// <param name="fingerprint">Everything that determines the feature values (the featurizer's fingerprint).</param>
    /// <param name="resultFor">The features of some paths of <paramref name="dataset"/>, aligned with them; null for
    /// skipped images.</param>
    public PrecomputedFeatures(
        ImageDataset dataset, string backbone, ImageSize inputSize, string fingerprint,
        Func<IReadOnlyList<string>, FeaturizationResult> resultFor)
    {
        (Dataset, Backbone, InputSize, Fingerprint) = (dataset, backbone, inputSize, fingerprint);
        _resultFor = resultFor;
    }

    /// <summary>Every image the features cover, skipped ones included.</summary>
    public ImageDataset Dataset { get; }

    /// <summary>Catalogue name of the backbone the features came from.</summary>
    public string Backbone { get; }

    /// <summary>Input size the images were resized to.</summary>
    public ImageSize InputSize { get; }

    /// <summary>Everything that determines the feature values (backbone, file hash, size, normalisation, cut,
    /// pooling).</summary>
    public string Fingerprint { get; }

    /// <summary>The features of <paramref name="paths"/> (as in <see cref="Dataset"/>), aligned with them; null for
    /// skipped images.</summary>
    public FeaturizationResult ResultFor(IReadOnlyList<string> paths) => _resultFor(paths);
}
