using SkiaSharp;

namespace TransferLearning.ImageClassification.Preprocessing;

/// <summary>
/// Decodes JPEG, PNG, BMP, GIF (first frame) and WebP with SkiaSharp to upright 8-bit RGBA (grayscale and palette
/// images come out as RGB; alpha is ignored later; the EXIF orientation is applied). Decoding is SkiaSharp's only
/// job: resizing is the library's own (<see cref="ImageResizer"/>), so the SkiaSharp version an app resolves cannot
/// change a prediction. Untrusted bytes are the normal case: dimensions are
/// checked against <see cref="ImageLimits"/> from the header before any pixel memory is taken, large whole decodes
/// take turns, and every failure of the native decoder becomes an <see cref="ImageDecodeException"/>.
/// </summary>
internal static class ImageDecoder
{
    /// <summary>
    /// Longest side accepted, JPEG's own limit: the resize's weights grow with the side, and a 1 x 89-megapixel strip
    /// (under <see cref="ImageLimits.MaxPixels"/>) would need hundreds of megabytes of them.
    /// </summary>
    internal const int MaxSide = 65_535;

    /// <summary>Decodes of more pixels than this (64 MB of RGBA) take turns, process-wide.</summary>
    internal const long LargeDecodePixels = 16 << 20;

    // SkiaSharp decodes PNG, GIF, WebP and most BMPs only whole: up to ImageLimits.MaxPixels × 4 bytes each. One at a
    // time, so the decode threads never hold several such bitmaps at once.
    private static readonly SemaphoreSlim LargeDecodes = new(1, 1);

    /// <summary>The SkiaSharp version actually loaded (it decodes JPEG); part of the feature-cache key.</summary>
    public static string SkiaVersion { get; } = typeof(SKBitmap).Assembly.GetName().Version?.ToString(2) ?? "?";

    /// <summary>
    /// Decodes to upright RGBA at full size, or, for JPEG, at the smallest DCT scale (k/8: almost free)
    /// that keeps at least twice <paramref name="target"/> on each side, so that the antialiased resize, not the
    /// decoder, decides what the backbone sees. Without a target, always at full size.
    /// </summary>
    /// <exception cref="ImageDecodeException">The bytes are not a complete image in a supported format, or it is over
    /// the limits.</exception>
    public static SKBitmap Decode(ReadOnlySpan<byte> encoded, ImageSize? target, ImageLimits? limits = null)
    {
        if (encoded.IsEmpty) throw new ImageDecodeException("empty file");
        limits ??= ImageLimits.Default;
        if (encoded.Length > limits.MaxFileBytes)
            throw new ImageDecodeException(
                $"{encoded.Length} bytes, over the {limits.MaxFileBytes}-byte limit (ImageLimits.MaxFileBytes)");
        try
        {
            using var data = SKData.CreateCopy(encoded);
            using var codec = SKCodec.Create(new SKMemoryStream(data), out var status)
                ?? throw new ImageDecodeException($"not a supported image format ({status})");
            var (width, height) = (codec.Info.Width, codec.Info.Height);
            if (width < 1 || height < 1)
                throw new ImageDecodeException($"the header gives no usable size ({width}x{height})");
            if ((long)width * height > limits.MaxPixels)
                throw new ImageDecodeException(
                    $"{width}x{height} is {(long)width * height / 1e6:0.#} megapixels; the limit is " +
                    $"{limits.MaxPixels / 1e6:0.#} (ImageLimits.MaxPixels)");
            if (Math.Max(width, height) > MaxSide)
                throw new ImageDecodeException(
                    $"{width}x{height} has a side over {MaxSide} pixels, the longest this library resizes");

            var origin = codec.EncodedOrigin;
            var decoded = target is not { } size ? codec.Info.Size
                : DecodedSize(codec, ExifOrientation.SwapsAxes(origin) ? new ImageSize(size.Height, size.Width) : size);
            if ((long)decoded.Width * decoded.Height <= LargeDecodePixels)
                return ExifOrientation.Apply(DecodeWhole(codec, decoded), origin);
            LargeDecodes.Wait();
            try
            {
                return ExifOrientation.Apply(DecodeWhole(codec, decoded), origin);
            }
            finally
            {
                LargeDecodes.Release();
            }
        }
        catch (Exception e) when (e is not (ImageDecodeException or OperationCanceledException))
        {
            // SkiaSharp reports native failures (e.g. "Unable to allocate pixels for the bitmap.") as plain exceptions.
            throw new ImageDecodeException($"the decoder failed: {e.Message}");
        }
    }

    /// <summary>The image's size once upright (its EXIF orientation applied), from the header alone.</summary>
    /// <exception cref="ImageDecodeException">The bytes are not an image in a supported format.</exception>
    public static ImageSize UprightSize(ReadOnlySpan<byte> encoded)
    {
        using var data = SKData.CreateCopy(encoded);
        using var codec = SKCodec.Create(new SKMemoryStream(data), out var status)
            ?? throw new ImageDecodeException($"not a supported image format ({status})");
        var (width, height) = (codec.Info.Width, codec.Info.Height);
        return ExifOrientation.SwapsAxes(codec.EncodedOrigin) ? new ImageSize(height, width)
            : new ImageSize(width, height);
    }

    /// <summary>The size to decode at: the full size, or a JPEG DCT scale still at least twice
    /// <paramref name="stored"/> (in stored orientation).</summary>
    private static SKSizeI DecodedSize(SKCodec codec, ImageSize stored)
    {
        var full = codec.Info.Size;
        if (codec.EncodedFormat != SKEncodedImageFormat.Jpeg) return full;
        // libjpeg-turbo scales by k/8 inside the inverse DCT; SkiaSharp rounds a requested scale down to one of them.
        for (var eighths = 1; eighths < 8; eighths++)
        {
            var scaled = codec.GetScaledDimensions(eighths / 8f);
            if (scaled.Width >= 2 * stored.Width && scaled.Height >= 2 * stored.Height) return scaled;
        }
        return full;
    }

    private static SKBitmap DecodeWhole(SKCodec codec, SKSizeI decoded)
    {
        var info = new SKImageInfo(decoded.Width, decoded.Height, SKColorType.Rgba8888, SKAlphaType.Unpremul);
        var bitmap = new SKBitmap(info);
        var result = codec.GetPixels(info, bitmap.GetPixels());
        if (result == SKCodecResult.Success) return bitmap;
        bitmap.Dispose();
        throw new ImageDecodeException(result == SKCodecResult.IncompleteInput
            ? "truncated image data"
            : $"image data could not be decoded ({result})");
    }

    /// <summary>The pixels of <paramref name="bitmap"/> as bytes.</summary>
    public static ReadOnlySpan<byte> PixelBytes(SKBitmap bitmap) => MutablePixelBytes(bitmap);

    /// <summary>The pixels of <paramref name="bitmap"/> as bytes to write.</summary>
    public static unsafe Span<byte> MutablePixelBytes(SKBitmap bitmap) =>
        new((void*)bitmap.GetPixels(), bitmap.ByteCount);
}
