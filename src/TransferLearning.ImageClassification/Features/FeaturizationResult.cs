using TransferLearning.ImageClassification.Data;

namespace TransferLearning.ImageClassification.Features;

/// <summary>The features of a list of images, aligned with that list; null where an image was skipped.</summary>
public sealed class FeaturizationResult
{
    internal FeaturizationResult(
        IReadOnlyList<float[]?> features,
        IReadOnlyList<float[]?>? mirroredFeatures,
        IReadOnlyList<SkippedImage> skipped,
        int computed,
        int fromCache,
        TimeSpan elapsed,
        TimeSpan backboneTime = default,
        IReadOnlyList<string?>? contentHashes = null)
    {
        Features = features;
        MirroredFeatures = mirroredFeatures;
        Skipped = skipped;
        Computed = computed;
        FromCache = fromCache;
        Elapsed = elapsed;
        BackboneTime = backboneTime;
        ContentHashes = contentHashes;
    }

    /// <summary>One feature vector per input image, or null for a skipped image.</summary>
    public IReadOnlyList<float[]?> Features { get; }

    /// <summary>Features of each image's mirror image (null for skipped ones), or null when not asked for.</summary>
    internal IReadOnlyList<float[]?>? MirroredFeatures { get; }

    /// <summary>The images that could not be used, with the reason, in input order.</summary>
    public IReadOnlyList<SkippedImage> Skipped { get; }

    /// <summary>Images run through the backbone.</summary>
    public int Computed { get; }

    /// <summary>Images whose features came from the cache.</summary>
    public int FromCache { get; }

    /// <summary>Wall time of the run (shared by every backbone of a multi-backbone run).</summary>
    public TimeSpan Elapsed { get; }

    /// <summary>Time this backbone spent running batches (decoding overlaps it on other cores).</summary>
    internal TimeSpan BackboneTime { get; }

    /// <summary>SHA-256 (hex) of each file's bytes, or null where it could not be read: finds the same image under two
    /// names.</summary>
    internal IReadOnlyList<string?>? ContentHashes { get; }

    /// <summary>All feature vectors of image <paramref name="index"/> back to back: the image's, then its mirror
    /// image's.</summary>
    internal float[] Views(int index) =>
        Features[index] is not { } features
            ? throw new InvalidOperationException($"Image {index} was skipped; it has no features.")
        : MirroredFeatures?[index] is { } mirrored ? [.. features, .. mirrored]
        : features;

    /// <summary>Images (computed or cached) per second of wall time.</summary>
    public double ImagesPerSecond => Elapsed > TimeSpan.Zero ? (Computed + FromCache) / Elapsed.TotalSeconds : 0;
}
