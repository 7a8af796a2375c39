using TransferLearning.ImageClassification.Quantization;

namespace TransferLearning.ImageClassification.Tests.Quantization;

/// <summary>Scales and zero points by ONNX Runtime's quantizer's formulas.</summary>
public class QuantizationMathTests
{
    [Theory]
    [InlineData(0f, 6f, 6f / 255, 0)] // a ReLU6: zero point at the floor, so the clamp is exact
    [InlineData(-1f, 3f, 4f / 255, 64)] // round(1 / (4/255)) = round(63.75)
    [InlineData(-2f, 1f, 3f / 255, 170)] // −min / scale = 2 · 85
    [InlineData(1f, 3f, 3f / 255, 0)] // the range is widened to hold 0
    [InlineData(-3f, -1f, 3f / 255, 255)]
    public void Activation_ranges_map_to_uint8_with_zero_exactly_representable(float min, float max, float scale, int zeroPoint)
    {
        var (actualScale, actualZero) = QuantizationMath.Asymmetric(min, max);

        Assert.Equal(scale, actualScale, 1e-7f);
        Assert.Equal(zeroPoint, actualZero);
    }

    [Fact]
    public void An_empty_or_broken_range_gets_scale_1_so_nothing_divides_by_zero()
    {
        Assert.Equal((1f, (byte)0), QuantizationMath.Asymmetric(0, 0));
        Assert.Equal((1f, (byte)0), QuantizationMath.Asymmetric(float.NegativeInfinity, float.PositiveInfinity));
        Assert.Equal(1f, QuantizationMath.Symmetric(0, reduceRange: false));
    }

    [Fact]
    public void Weights_are_symmetric_int8_with_7_bits_under_reduce_range()
    {
        Assert.Equal(0.5f / 127, QuantizationMath.Symmetric(0.5f, reduceRange: false));
        Assert.Equal(0.5f / 63, QuantizationMath.Symmetric(0.5f, reduceRange: true));
        var scale = QuantizationMath.Symmetric(0.5f, reduceRange: false);
        Assert.Equal(127, QuantizationMath.QuantizeWeight(0.5f, scale, 127));
        Assert.Equal(-127, QuantizationMath.QuantizeWeight(-0.7f, scale, 127)); // clamped, never −128
        Assert.Equal(0, QuantizationMath.QuantizeWeight(0.001f, scale, 127));
    }

    [Fact]
    public void A_bias_is_int32_at_the_input_scale_times_the_weight_scale()
    {
        Assert.Equal(1000, QuantizationMath.QuantizeBias(0.02f, 0.01f, 0.002f));
        Assert.Equal(int.MaxValue, QuantizationMath.QuantizeBias(1e9f, 1e-3f, 1e-3f));
    }
}
