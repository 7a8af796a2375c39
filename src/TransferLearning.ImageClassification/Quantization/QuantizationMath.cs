namespace TransferLearning.ImageClassification.Quantization;

/// <summary>
/// Scales and zero points, as ONNX Runtime's quantizer computes them: activations uint8 asymmetric over a range that
/// always holds 0 (so 0 and a ReLU's floor are exact), weights int8 symmetric (zero point 0) per output channel, biases
/// int32 at the product of the input's and the weight's scales.
/// </summary>
internal static class QuantizationMath
{
    /// <summary>uint8 scale and zero point for values in [<paramref name="min"/>, <paramref name="max"/>].</summary>
    public static (float Scale, byte ZeroPoint) Asymmetric(float min, float max)
    {
        (min, max) = (Math.Min(min, 0f), Math.Max(max, 0f));
        if (max - min < 1e-30f || !float.IsFinite(max - min)) return (1f, 0);
        var scale = (max - min) / 255f;
        return (scale, (byte)Math.Clamp(MathF.Round(-min / scale, MidpointRounding.ToEven), 0, 255));
    }

    /// <summary>
    /// int8 scale for weights whose largest magnitude is <paramref name="maxAbs"/>: ±127, or ±63 with
    /// <paramref name="reduceRange"/> (7 bits, so u8·s8 pairs cannot saturate vpmaddubsw's int16 sums on CPUs without
    /// VNNI;
    /// ONNX Runtime's quantizer uses −64..64 there, ±63 keeps the range symmetric).
    /// </summary>
    public static float Symmetric(float maxAbs, bool reduceRange) =>
        maxAbs > 1e-30f && float.IsFinite(maxAbs) ? maxAbs / (reduceRange ? 63f : 127f) : 1f;

    /// <summary>Rounds <paramref name="value"/>/<paramref name="scale"/> to the nearest int8 within
    /// ±<paramref name="limit"/>.</summary>
    public static sbyte QuantizeWeight(float value, float scale, int limit) =>
        (sbyte)Math.Clamp(MathF.Round(value / scale, MidpointRounding.ToEven), -limit, limit);

    /// <summary>A bias in int32 at scale s_x·s_w (zero point 0), as QLinearConv adds it to the int32
    /// accumulator.</summary>
    public static int QuantizeBias(float value, float inputScale, float weightScale) =>
        (int)Math.Clamp(Math.Round(value / ((double)inputScale * weightScale), MidpointRounding.ToEven), int.MinValue,
            int.MaxValue);
}
