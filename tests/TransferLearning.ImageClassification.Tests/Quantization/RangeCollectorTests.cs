using TransferLearning.ImageClassification.Quantization;

namespace TransferLearning.ImageClassification.Tests.Quantization;

public class RangeCollectorTests
{
    [Fact]
    public void Min_max_keeps_the_extremes_across_batches_and_ignores_nan()
    {
        var collector = new RangeCollector(CalibrationMethod.MinMax, 99.999);
        collector.Add([0.5f, -2f, float.NaN]);
        collector.Add([7f, 1f]);

        Assert.Equal((-2f, 7f), collector.Range);
    }

    [Fact]
    public void A_percentile_range_drops_the_rare_outliers_a_min_max_range_would_stretch_to()
    {
        var collector = new RangeCollector(CalibrationMethod.Percentile, 99.9);
        var values = Enumerable.Range(0, 100_000).Select(i => i / 100_000f).ToArray(); // uniform on [0, 1)
        collector.Add(values[..50_000]);
        collector.Add([1000f]); // one outlier; the histogram widens to hold it
        collector.Add(values[50_000..]);

        var (min, max) = collector.Range;
        Assert.Equal(0f, min, 0.01f);
        // The outlier widened the histogram to [−1024, 1024], bins 0.5 wide: the range ends at the top of the values' bin.
        Assert.Equal(1f, max);
    }
}
