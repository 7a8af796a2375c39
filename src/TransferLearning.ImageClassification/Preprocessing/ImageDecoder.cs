using SkiaSharp;

namespace TransferLearning.ImageClassification.Preprocessing;

/// <summary>
/// Decodes JPEG, PNG, BMP, GIF (first frame) and WebP with SkiaSharp, the image stack ML.NET's ImageAnalytics uses,
/// straight to 8-bit RGBA at a requested size (grayscale and palette images come out as RGB; alpha is ignored later).
/// </summary>
internal static class ImageDecoder
{
    /// <summary>Names the resampling below; part of the feature-cache key, so changing it invalidates cached features.</summary>
    public const string ResizeMethod = "skia-medium-stretch";

    /// <summary>The SkiaSharp version actually loaded (2.x or 3.x resample slightly differently); part of the feature-cache key.</summary>
    public static string SkiaVersion { get; } = typeof(SKBitmap).Assembly.GetName().Version?.ToString(2) ?? "?";

    /// <summary>Decodes and resizes (stretching, like Keras' image_dataset_from_directory) to exactly <paramref name="size"/>.</summary>
    /// <exception cref="ImageDecodeException">The bytes are not a complete image in a supported format.</exception>
    public static SKBitmap DecodeResized(ReadOnlySpan<byte> encoded, ImageSize size)
    {
        if (encoded.IsEmpty) throw new ImageDecodeException("empty file");
        using var data = SKData.CreateCopy(encoded);
        using var codec = SKCodec.Create(new SKMemoryStream(data), out var status)
            ?? throw new ImageDecodeException($"not a supported image format ({status})");

        // JPEG can decode at 1/2, 1/4, 1/8 scale for almost free: take the smallest that still covers the target.
        var scale = Math.Max((float)size.Width / codec.Info.Width, (float)size.Height / codec.Info.Height);
        var decoded = scale < 1f ? codec.GetScaledDimensions(scale) : codec.Info.Size;
        if (decoded.Width < size.Width || decoded.Height < size.Height) decoded = codec.Info.Size;

        var info = new SKImageInfo(decoded.Width, decoded.Height, SKColorType.Rgba8888, SKAlphaType.Unpremul);
        var bitmap = new SKBitmap(info);
        var result = codec.GetPixels(info, bitmap.GetPixels());
        if (result != SKCodecResult.Success)
        {
            bitmap.Dispose();
            throw new ImageDecodeException(result == SKCodecResult.IncompleteInput
                ? "truncated image data"
                : $"image data could not be decoded ({result})");
        }
        if (decoded.Width == size.Width && decoded.Height == size.Height) return bitmap;

        using (bitmap)
        {
            var target = new SKImageInfo(size.Width, size.Height, SKColorType.Rgba8888, SKAlphaType.Unpremul);
            return bitmap.Resize(target, SKFilterQuality.Medium)
                ?? throw new ImageDecodeException($"could not be resized from {decoded.Width}x{decoded.Height} to {size}");
        }
    }

    /// <summary>
    /// The pixels of <paramref name="bitmap"/> as bytes. Written against the raw pointer because
    /// <c>SKBitmap.GetPixelSpan</c> changed its return type in SkiaSharp 3: this library builds against SkiaSharp 2.88
    /// (ML.NET ImageAnalytics' version) and must also run in apps that load SkiaSharp 3 (e.g. with ScottPlot).
    /// </summary>
    public static unsafe ReadOnlySpan<byte> PixelBytes(SKBitmap bitmap) => new((void*)bitmap.GetPixels(), bitmap.ByteCount);
}
