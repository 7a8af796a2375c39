using TransferLearning.ImageClassification.IO;

namespace TransferLearning.ImageClassification.Preprocessing;

/// <summary>
/// What one image may cost before it is skipped instead of decoded. Images from the web or from uploads are untrusted:
/// a 100-byte file can claim 60000x60000 pixels. Checked from the file size and the image header, before any pixel
/// memory is taken.
/// </summary>
public sealed class ImageLimits
{
    /// <summary>The defaults: <see cref="MaxPixels"/> as Pillow's <c>MAX_IMAGE_PIXELS</c>, <see cref="MaxFileBytes"/>
    /// 256 MiB.</summary>
    public static ImageLimits Default { get; } = new();

    /// <summary>
    /// Largest width × height accepted (default 89,478,485, Pillow's limit: about 9459x9459, a 90-megapixel photo).
    /// Larger images are skipped with their dimensions in the reason. JPEG and WebP decode straight to about the
    /// backbone's input size; PNG, GIF and BMP decode whole (4 bytes a pixel, at most one large one at a time).
    /// </summary>
    public long MaxPixels { get; init; } = 89_478_485;

    /// <summary>Largest encoded file read (default 256 MiB); larger files are skipped without being read.</summary>
    public long MaxFileBytes { get; init; } = 256L << 20;

    internal IReadOnlyList<string> Errors() => new OptionErrors()
        .Require(MaxPixels >= 1, nameof(MaxPixels), "must be at least 1", MaxPixels)
        .Require(MaxFileBytes >= 1, nameof(MaxFileBytes), "must be at least 1", MaxFileBytes)
        .All;

    internal void Validate() => OptionErrors.ThrowIfAny(nameof(ImageLimits), Errors());
}
