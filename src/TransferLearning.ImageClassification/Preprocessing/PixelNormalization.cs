using System.Globalization;

namespace TransferLearning.ImageClassification.Preprocessing;

/// <summary>
/// How 0..255 pixels become a backbone's input: <c>(pixel * Scale - mean) / Std</c> per plane, planes in
/// <see cref="Order"/>. The mean is per channel (per pixel for the bundled ResNet18, whose mean is an image).
/// </summary>
public sealed class PixelNormalization
{
    /// <summary>Plane order of the backbone input.</summary>
    public ChannelOrder Order { get; init; } = ChannelOrder.Rgb;

    /// <summary>Factor applied to 0..255 values before the mean is subtracted.</summary>
    public float Scale { get; init; } = 1f;

    /// <summary>Per-plane mean, in <see cref="Order"/>, on the scaled values.</summary>
    public IReadOnlyList<float> Mean { get; init; } = [0f, 0f, 0f];

    /// <summary>Per-plane divisor, in <see cref="Order"/>.</summary>
    public IReadOnlyList<float> Std { get; init; } = [1f, 1f, 1f];

    /// <summary>A per-pixel mean image stored in an ONNX file; replaces <see cref="Mean"/> when set.</summary>
    internal MeanImageSource? MeanImage { get; init; }

    /// <summary>Caffe style: BGR planes minus per-channel means (given in B, G, R order), no scaling.</summary>
    public static PixelNormalization Caffe(float meanB, float meanG, float meanR) =>
        new() { Order = ChannelOrder.Bgr, Mean = [meanB, meanG, meanR] };

    /// <summary>TensorFlow/Keras "tf" style: RGB, <c>x / 127.5 - 1</c>.</summary>
    public static PixelNormalization TensorFlow { get; } = new() { Scale = 1f / 127.5f, Mean = [1f, 1f, 1f] };

    /// <summary>Torch style: RGB, <c>(x / 255 - mean) / std</c> with the ImageNet statistics.</summary>
    public static PixelNormalization Torch { get; } = new()
    {
        Scale = 1f / 255f,
        Mean = [0.485f, 0.456f, 0.406f],
        Std = [0.229f, 0.224f, 0.225f],
    };

    /// <summary>A short human description, e.g. "RGB /255, ImageNet mean/std".</summary>
    public string Summary =>
        MeanImage is not null ? $"{Order.ToString().ToUpperInvariant()} minus a mean image"
        : Scale == 1f ? string.Create(
            CultureInfo.InvariantCulture, $"{Order.ToString().ToUpperInvariant()} minus ({string.Join(", ", Mean)})")
        : Std.Any(s => s != 1f) ? $"{Order.ToString().ToUpperInvariant()} /255, mean/std"
        : string.Create(
            CultureInfo.InvariantCulture, $"{Order.ToString().ToUpperInvariant()} x*{Scale:G4} - {Mean[0]}");

    /// <summary>A stable text that changes whenever the produced tensor would; part of the feature-cache key.</summary>
    internal string Fingerprint => string.Create(
        CultureInfo.InvariantCulture,
        $"{Order};s={Scale:R};m={string.Join(',', Mean.Select(Invariant))};" +
        $"d={string.Join(',', Std.Select(Invariant))};img={MeanImage?.Fingerprint ?? "-"}");

    private static string Invariant(float value) => value.ToString("R", CultureInfo.InvariantCulture);
}
