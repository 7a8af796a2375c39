using System.Text;
using TransferLearning.ImageClassification.Quantization;

namespace TransferLearning.ImageClassification.Tests.Quantization;

/// <summary>A calibration comes back from a model file as it went in, and a damaged one is refused, never half-read.</summary>
public class Int8CalibrationTests
{
    private static Int8Calibration Sample() => new(new string('a', 64), CalibrationMethod.Percentile, 99.9, 12, perChannelWeights: true, reduceRange: false,
        new Dictionary<string, (float, float)> { ["conv1"] = (0f, 6.5f), ["input"] = (-2.1f, 2.6f) });

    [Fact]
    public void It_round_trips_through_json_with_the_same_fingerprint()
    {
        var calibration = Sample();

        var read = Int8Calibration.FromJson(calibration.ToJson());

        Assert.Equal(calibration.Fingerprint, read.Fingerprint);
        Assert.Equal(calibration.Ranges, read.Ranges);
        Assert.Equal((CalibrationMethod.Percentile, 12, true, false), (read.Method, read.Images, read.PerChannelWeights, read.ReduceRange));
    }

    [Theory]
    [InlineData("\"reduceRange\":false,", "")] // a missing field would build another graph
    [InlineData("\"tensor\":\"input\"", "\"tensor\":\"conv1\"")] // one tensor twice
    [InlineData("\"max\":6.5", "\"max\":-1")] // min above max
    [InlineData("\"method\":\"Percentile\"", "\"method\":\"7\"")]
    [InlineData("{\"tensor\":\"conv1\",\"min\":0,\"max\":6.5}", "null")]
    [InlineData("\"version\":1", "\"version\":2")]
    public void A_damaged_calibration_is_refused_with_invalid_data(string from, string to)
    {
        var json = Encoding.UTF8.GetString(Sample().ToJson());
        Assert.Contains(from, json);

        Assert.Throws<InvalidDataException>(() => Int8Calibration.FromJson(Encoding.UTF8.GetBytes(json.Replace(from, to))));
    }
}
