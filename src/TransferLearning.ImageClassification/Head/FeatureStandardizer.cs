using System.Numerics.Tensors;

namespace TransferLearning.ImageClassification.Head;

/// <summary>Per-feature mean and 1/deviation of the training features; folded into the head's weights after
/// training.</summary>
internal sealed class FeatureStandardizer
{
    private readonly float[] _mean;
    private readonly float[] _inverseStd;

    private FeatureStandardizer(float[] mean, float[] inverseStd)
    {
        _mean = mean;
        _inverseStd = inverseStd;
    }

    public static FeatureStandardizer Identity(int featureSize) =>
        new(new float[featureSize], Enumerable.Repeat(1f, featureSize).ToArray());

    /// <summary>
    /// The smallest deviation divided by, as a fraction of the features' mean deviation. A feature that barely varies
    /// in
    /// training would otherwise be multiplied by up to 10^6, and an image unlike the training ones, lighting it up,
    /// would push the scores to the thousands: overconfident nonsense. 3% of the typical spread bounds that factor
    /// at about 33 times the typical one; on the bundled data only the one or two flattest features reach it, and the
    /// test accuracy over four seeds is a little higher, not lower (docs/benchmarks.md).
    /// </summary>
    internal const double RelativeDeviationFloor = 0.03;

    public static FeatureStandardizer Fit(IReadOnlyList<float[]> features)
    {
        var size = features[0].Length;
        var mean = new double[size];
        var square = new double[size];
        foreach (var row in features)
            for (var j = 0; j < size; j++)
            {
                mean[j] += row[j];
                square[j] += (double)row[j] * row[j];
            }
        var deviation = new double[size];
        for (var j = 0; j < size; j++)
        {
            mean[j] /= features.Count;
            deviation[j] = Math.Sqrt(Math.Max(square[j] / features.Count - mean[j] * mean[j], 0));
        }
        var floor = RelativeDeviationFloor * deviation.Average();
        // All features constant: nothing to scale by, so they stay as they are.
        var inverseStd = deviation.Select(d => floor > 0 ? (float)(1 / Math.Max(d, floor)) : 1f).ToArray();
        return new FeatureStandardizer(mean.Select(m => (float)m).ToArray(), inverseStd);
    }

    public float[][] Apply(IReadOnlyList<float[]> features) =>
        features.Select(row =>
        {
            var standardized = new float[row.Length];
            TensorPrimitives.Subtract(row, _mean, standardized);
            TensorPrimitives.Multiply(standardized, _inverseStd, standardized);
            return standardized;
        }).ToArray();

    /// <summary>The head that gives on raw features what <paramref name="parameters"/> gives on standardised ones: only
    /// the first layer changes.</summary>
    public DenseHead Fold(IReadOnlyList<int> sizes, ReadOnlySpan<float> parameters)
    {
        var (inSize, outSize) = (sizes[0], sizes[1]);
        var folded = parameters.ToArray();
        for (var o = 0; o < outSize; o++)
            for (var j = 0; j < inSize; j++)
            {
                folded[o * inSize + j] = parameters[o * inSize + j] * _inverseStd[j];
                folded[inSize * outSize + o] -= folded[o * inSize + j] * _mean[j];
            }
        return new DenseHead(sizes, folded);
    }
}
