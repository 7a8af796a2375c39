using SkiaSharp;

namespace TransferLearning.ImageClassification.Preprocessing;

/// <summary>
/// Decodes JPEG, PNG, BMP, GIF (first frame) and WebP with SkiaSharp, the image stack ML.NET's ImageAnalytics uses,
/// straight to 8-bit RGBA at a requested size (grayscale and palette images come out as RGB; alpha is ignored later).
/// Untrusted bytes are the normal case: dimensions are checked against <see cref="ImageLimits"/> from the header
/// before any pixel memory is taken, large whole decodes take turns, and every failure of the native decoder becomes
/// an <see cref="ImageDecodeException"/>.
/// </summary>
internal static class ImageDecoder
{
    /// <summary>Names the resampling below; part of the feature-cache key, so changing it invalidates cached features.</summary>
    public const string ResizeMethod = "skia-medium-stretch";

    /// <summary>Decodes of more pixels than this (64 MB of RGBA) take turns, process-wide.</summary>
    internal const long LargeDecodePixels = 16 << 20;

    // JPEG and WebP decode straight to (near) the target size, but SkiaSharp decodes PNG, GIF and most BMPs only whole
    // (no scanline or sampled decoding for them): up to ImageLimits.MaxPixels × 4 bytes each. One at a time, so the
    // decode threads never hold several such bitmaps at once.
    private static readonly SemaphoreSlim LargeDecodes = new(1, 1);

    /// <summary>The SkiaSharp version actually loaded (2.x or 3.x resample slightly differently); part of the feature-cache key.</summary>
    public static string SkiaVersion { get; } = typeof(SKBitmap).Assembly.GetName().Version?.ToString(2) ?? "?";

    /// <summary>Decodes and resizes (stretching, like Keras' image_dataset_from_directory) to exactly <paramref name="size"/>.</summary>
    /// <exception cref="ImageDecodeException">The bytes are not a complete image in a supported format, or it is over the limits.</exception>
    public static SKBitmap DecodeResized(ReadOnlySpan<byte> encoded, ImageSize size, ImageLimits? limits = null)
    {
        if (encoded.IsEmpty) throw new ImageDecodeException("empty file");
        limits ??= ImageLimits.Default;
        if (encoded.Length > limits.MaxFileBytes)
            throw new ImageDecodeException($"{encoded.Length} bytes, over the {limits.MaxFileBytes}-byte limit (ImageLimits.MaxFileBytes)");
        try
        {
            using var data = SKData.CreateCopy(encoded);
            using var codec = SKCodec.Create(new SKMemoryStream(data), out var status)
                ?? throw new ImageDecodeException($"not a supported image format ({status})");
            var (width, height) = (codec.Info.Width, codec.Info.Height);
            if (width < 1 || height < 1) throw new ImageDecodeException($"the header gives no usable size ({width}x{height})");
            if ((long)width * height > limits.MaxPixels)
                throw new ImageDecodeException(
                    $"{width}x{height} is {(long)width * height / 1e6:0.#} megapixels; the limit is {limits.MaxPixels / 1e6:0.#} (ImageLimits.MaxPixels)");

            // JPEG can decode at 1/2, 1/4, 1/8 scale for almost free: take the smallest that still covers the target.
            var scale = Math.Max((float)size.Width / width, (float)size.Height / height);
            var decoded = scale < 1f ? codec.GetScaledDimensions(scale) : codec.Info.Size;
            if (decoded.Width < size.Width || decoded.Height < size.Height) decoded = codec.Info.Size;

            if ((long)decoded.Width * decoded.Height <= LargeDecodePixels) return ResizeTo(DecodeWhole(codec, decoded), size);
            LargeDecodes.Wait();
            try
            {
                return ResizeTo(DecodeWhole(codec, decoded), size);
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

    private static SKBitmap ResizeTo(SKBitmap bitmap, ImageSize size)
    {
        if (bitmap.Width == size.Width && bitmap.Height == size.Height) return bitmap;
        using (bitmap)
        {
            var target = new SKImageInfo(size.Width, size.Height, SKColorType.Rgba8888, SKAlphaType.Unpremul);
            return bitmap.Resize(target, SKFilterQuality.Medium)
                ?? throw new ImageDecodeException($"could not be resized from {bitmap.Width}x{bitmap.Height} to {size}");
        }
    }

    /// <summary>
    /// The pixels of <paramref name="bitmap"/> as bytes. Written against the raw pointer because
    /// <c>SKBitmap.GetPixelSpan</c> changed its return type in SkiaSharp 3: this library builds against SkiaSharp 2.88
    /// (ML.NET ImageAnalytics' version) and must also run in apps that load SkiaSharp 3 (e.g. with ScottPlot).
    /// </summary>
    public static unsafe ReadOnlySpan<byte> PixelBytes(SKBitmap bitmap) => new((void*)bitmap.GetPixels(), bitmap.ByteCount);
}
