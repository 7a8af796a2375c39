using TransferLearning.ImageClassification.Backbones;

namespace TransferLearning.ImageClassification.Explanations;

/// <summary>
/// Grad-CAM for a frozen backbone and a pooled head, exactly and without a backward pass through the network. With
/// <c>g</c> the gradient of the class score with respect to the pooled features, the gradient with respect to the map
/// A[k, i, j] is <c>g_k / HW</c> under global average pooling and <c>g_k</c> at each channel's maximum under global
/// max pooling. The map is HiResCAM, <c>M[i, j] = HW · Σ_k ∂y/∂A[k, i, j] · A[k, i, j]</c>, scaled so that its
/// mean is
/// the features' part of the score, <c>Σ_k g_k · p_k</c>; under average pooling it is Grad-CAM's <c>Σ_k g_k ·
/// A_k</c>,
/// and for a linear head it is CAM.
/// </summary>
internal static class ClassActivation
{
    /// <summary>∂y/∂A for one image's map A ([channels, height, width]) and the pooled-feature gradient
    /// <paramref name="gradient"/>.</summary>
    public static float[] MapGradient(
        ReadOnlySpan<float> map, int channels, int area, FeaturePooling pooling, float[] gradient)
    {
        var result = new float[channels * area];
        var (average, maximum) = Parts(pooling, channels, gradient);
        for (var k = 0; k < channels; k++)
        {
            var plane = result.AsSpan(k * area, area);
            if (average is not null) plane.Fill(average[k] / area);
            if (maximum is not null) plane[ArgMax(map.Slice(k * area, area))] += maximum[k];
        }
        return result;
    }

    /// <summary>The class-activation map before the ReLU: positive where the image speaks for the class, negative
    /// against.</summary>
    public static float[] Map(ReadOnlySpan<float> map, int channels, int area, FeaturePooling pooling, float[] gradient)
    {
        var mapGradient = MapGradient(map, channels, area, pooling, gradient);
        var result = new float[area];
        for (var k = 0; k < channels; k++)
            for (var at = 0; at < area; at++) result[at] += area * mapGradient[k * area + at] * map[k * area + at];
        return result;
    }

    /// <summary>The gradient's average-pooling and max-pooling parts (features are [average; maximum] for
    /// both).</summary>
    private static (float[]? Average, float[]? Maximum) Parts(FeaturePooling pooling, int channels, float[] gradient)
    {
        var expected = pooling == FeaturePooling.GlobalAverageAndMax ? 2 * channels : channels;
        if (gradient.Length != expected)
            throw new InvalidOperationException($"The head takes {gradient.Length} features; a {channels}-channel " +
                $"map pooled with {pooling} gives {expected}.");
        return pooling switch
        {
            FeaturePooling.GlobalAverage => (gradient, null),
            FeaturePooling.GlobalMax => (null, gradient),
            FeaturePooling.GlobalAverageAndMax => (gradient[..channels], gradient[channels..]),
            _ => throw new NotSupportedException(
                $"Explain supports FeaturePooling.GlobalAverage, GlobalMax and GlobalAverageAndMax, not {pooling}."),
        };
    }

    /// <summary>The first position of the largest value: the one GlobalMaxPool takes.</summary>
    private static int ArgMax(ReadOnlySpan<float> values)
    {
        var best = 0;
        for (var i = 1; i < values.Length; i++)
            if (values[i] > values[best]) best = i;
        return best;
    }
}
