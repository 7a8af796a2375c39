using System.Buffers;
using Onnx;

namespace TransferLearning.ImageClassification.Preprocessing;

/// <summary>Encoded image bytes (or RGBA pixels) → the float tensor of one image, resized and normalised as a backbone
/// expects.</summary>
internal sealed class ImagePreprocessor
{
    private const int Channels = 3;
    private readonly TensorLayout _layout;
    private readonly float _scale;
    private readonly int[] _sourceChannel;  // RGBA byte offset feeding each output plane
    private readonly float[] _mean;         // per plane and pixel (3 * area), in output plane order
    private readonly float[] _inverseStd;
    private readonly ImageLimits _limits;

    public ImagePreprocessor(
        ImageSize size, TensorLayout layout, PixelNormalization normalization, ImageLimits? limits = null)
    {
        Size = size;
        _limits = limits ?? ImageLimits.Default;
        _layout = layout;
        _scale = normalization.Scale;
        _sourceChannel = normalization.Order == ChannelOrder.Rgb ? [0, 1, 2] : [2, 1, 0];
        _inverseStd = normalization.Std.Select(s => 1f / s).ToArray();
        if (normalization.Mean.Count != Channels || _inverseStd.Length != Channels)
            throw new ArgumentException(
                "A normalisation needs three means and three standard deviations.", nameof(normalization));
        _mean = normalization.MeanImage is { } meanImage
            ? LoadMeanImage(meanImage, size)
            : normalization.Mean.SelectMany(m => Enumerable.Repeat(m, size.Area)).ToArray();
    }

    /// <summary>
    /// Version of the way pixels are made, recorded in model files and part of the feature-cache key: 1 was
    /// SkiaSharp's own resize (0.4.0 and before, different in SkiaSharp 2 and 3); 2 is EXIF-upright decoding and
    /// <see cref="ImageResizer"/>'s antialiased bilinear, which the exported ONNX graph computes too.
    /// </summary>
    public const int Version = 2;

    public ImageSize Size { get; }

    /// <summary>
    /// The normalisation as constants, for an exported graph: the RGB channel feeding each plane, the scale, the mean
    /// per plane and pixel (planar, 3 × area; the mean image already at <see cref="Size"/>) and 1/std per plane.
    /// </summary>
    internal (int[] SourceChannel, float Scale, float[] Mean, float[] InverseStd) Constants =>
        (_sourceChannel, _scale, _mean, _inverseStd);

    /// <summary>Hash of the mean values actually subtracted, so a changed mean-image file invalidates cached
    /// features.</summary>
    public string MeanFingerprint => Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(
        System.Runtime.InteropServices.MemoryMarshal.AsBytes(_mean.AsSpan())))[..16];

    /// <summary>Floats one image takes in the input tensor.</summary>
    public int TensorLength => Channels * Size.Area;

    /// <summary>Floats the image takes resized, before normalisation: RGBA at <see cref="Size"/>.</summary>
    public int ResizedLength => ResizedLengthAt(Size);

    /// <summary>Floats an image resized to <paramref name="size"/> takes (RGBA).</summary>
    public static int ResizedLengthAt(ImageSize size) => size.Area * 4;

    /// <summary>Decodes once; writes the image into <paramref name="destination"/> and, if not empty, its mirror image
    /// into <paramref name="mirrored"/>.</summary>
    /// <exception cref="ImageDecodeException">The bytes are not a usable image.</exception>
    public void Write(ReadOnlySpan<byte> encoded, Span<float> destination, Span<float> mirrored = default)
    {
        var resized = ArrayPool<float>.Shared.Rent(ResizedLength);
        try
        {
            DecodeResized(encoded, Size, _limits, resized);
            WriteResized(resized, destination, mirrored);
        }
        finally
        {
            ArrayPool<float>.Shared.Return(resized);
        }
    }

    /// <summary>
    /// Writes an image given as 8-bit RGBA pixels of any size, decoded elsewhere (ML.NET's <c>MLImage</c>): resized
    /// with <see cref="ImageResizer"/>, then normalised, as <see cref="Write"/> does after decoding. The side limit is
    /// checked here because no decoder checked it.
    /// </summary>
    /// <exception cref="ImageDecodeException">A side is over <see cref="ImageDecoder.MaxSide"/> pixels.</exception>
    public void WritePixels(
        ReadOnlySpan<byte> rgba, int width, int height, Span<float> destination, Span<float> mirrored = default)
    {
        if (Math.Max(width, height) > ImageDecoder.MaxSide)
            throw new ImageDecodeException(
                $"{width}x{height} has a side over {ImageDecoder.MaxSide} pixels, the longest this library resizes");
        var resized = ArrayPool<float>.Shared.Rent(ResizedLength);
        try
        {
            ImageResizer.Resize(rgba, width, height, Size, resized);
            WriteResized(resized, destination, mirrored);
        }
        finally
        {
            ArrayPool<float>.Shared.Return(resized);
        }
    }

    /// <summary>
    /// The library's one way from encoded bytes to pixels: decode upright (<see cref="ImageDecoder"/>), then resize
    /// with <see cref="ImageResizer"/> to float RGBA at <paramref name="size"/> (0–255) in
    /// <paramref name="resized"/>.
    /// </summary>
    /// <exception cref="ImageDecodeException">The bytes are not a usable image.</exception>
    public static void DecodeResized(
        ReadOnlySpan<byte> encoded, ImageSize size, ImageLimits limits, Span<float> resized)
    {
        using var bitmap = ImageDecoder.Decode(encoded, size, limits);
        ImageResizer.Resize(ImageDecoder.PixelBytes(bitmap), bitmap.Width, bitmap.Height, size, resized);
    }

    /// <summary>Writes an image already resized to <see cref="Size"/> (float RGBA, shared by backbones of one size)
    /// and, if asked, its mirror image.</summary>
    public void WriteResized(ReadOnlySpan<float> rgba, Span<float> destination, Span<float> mirrored)
    {
        Normalize(rgba, destination, mirror: false);
        if (!mirrored.IsEmpty) Normalize(rgba, mirrored, mirror: true);
    }

    // The same operations, in the same order, as the exported graph: (value · scale − mean) · (1 / std).
    private void Normalize(ReadOnlySpan<float> rgba, Span<float> destination, bool mirror)
    {
        var (width, area) = (Size.Width, Size.Area);
        for (var plane = 0; plane < Channels; plane++)
        {
            var (source, inverseStd) = (_sourceChannel[plane], _inverseStd[plane]);
            for (var y = 0; y < Size.Height; y++)
                for (var x = 0; x < width; x++)
                {
                    var to = y * width + x;
                    var from = mirror ? y * width + width - 1 - x : to;
                    var value = (rgba[from * 4 + source] * _scale - _mean[plane * area + to]) * inverseStd;
                    destination[_layout == TensorLayout.Nchw ? plane * area + to : to * Channels + plane] = value;
                }
        }
    }

    private static float[] LoadMeanImage(MeanImageSource source, ImageSize size)
    {
        var model = ModelProto.Parser.ParseFrom(File.ReadAllBytes(source.OnnxFile));
        var tensor = model.Graph.Initializer.SingleOrDefault(t => t.Name == source.Initializer)
            ?? throw new InvalidDataException($"'{source.OnnxFile}' has no initializer '{source.Initializer}'.");
        var dims = tensor.Dims.ToArray();
        if (dims is not [1, Channels, var height, var width])
            throw new InvalidDataException($"Mean image '{source.Initializer}' in '{source.OnnxFile}' is " +
                $"[{string.Join(',', dims)}], not [1,3,H,W].");
        var mean = tensor.FloatData.Count > 0
            ? tensor.FloatData.ToArray()
            : System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(tensor.RawData.Span).ToArray();
        return height == size.Height && width == size.Width ? mean
            : Resample(mean, new ImageSize((int)width, (int)height), size);
    }

    /// <summary>Nearest-neighbour resampling of a planar mean image to another input size (ImageNet means vary
    /// slowly).</summary>
    private static float[] Resample(float[] mean, ImageSize from, ImageSize to)
    {
        var result = new float[Channels * to.Area];
        for (var plane = 0; plane < Channels; plane++)
            for (var y = 0; y < to.Height; y++)
                for (var x = 0; x < to.Width; x++)
                {
                    var (sourceY, sourceX) = (y * from.Height / to.Height, x * from.Width / to.Width);
                    result[plane * to.Area + y * to.Width + x] = mean[
                        plane * from.Area + sourceY * from.Width + sourceX];
                }
        return result;
    }
}
