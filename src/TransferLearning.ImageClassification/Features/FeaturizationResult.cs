using TransferLearning.ImageClassification.Data;

namespace TransferLearning.ImageClassification.Features;

/// <summary>The features of a list of images, aligned with that list; null where an image was skipped.</summary>
/// <param name="Features">One feature vector per input image, or null for a skipped image.</param>
/// <param name="MirroredFeatures">Features of each image's mirror image (null for skipped ones), or null when not asked for.</param>
/// <param name="Skipped">The images that could not be used, with the reason, in input order.</param>
/// <param name="Computed">Images run through the backbone.</param>
/// <param name="FromCache">Images whose features came from the cache.</param>
/// <param name="Elapsed">Wall time of the run (shared by every backbone of a multi-backbone run).</param>
/// <param name="BackboneTime">Time this backbone spent running batches (decoding overlaps it on other cores).</param>
/// <param name="ContentHashes">SHA-256 (hex) of each file's bytes, or null where it could not be read: finds the same image under two names.</param>
public sealed record FeaturizationResult(
    IReadOnlyList<float[]?> Features,
    IReadOnlyList<float[]?>? MirroredFeatures,
    IReadOnlyList<SkippedImage> Skipped,
    int Computed,
    int FromCache,
    TimeSpan Elapsed,
    TimeSpan BackboneTime = default,
    IReadOnlyList<string?>? ContentHashes = null)
{
    /// <summary>All feature vectors of image <paramref name="index"/> back to back: the image's, then its mirror image's.</summary>
    public float[] Views(int index) =>
        Features[index] is not { } features ? throw new InvalidOperationException($"Image {index} was skipped; it has no features.")
        : MirroredFeatures?[index] is { } mirrored ? [.. features, .. mirrored]
        : features;

    /// <summary>Images (computed or cached) per second of wall time.</summary>
    public double ImagesPerSecond => Elapsed > TimeSpan.Zero ? (Computed + FromCache) / Elapsed.TotalSeconds : 0;
}
