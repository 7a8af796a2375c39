using SkiaSharp;
using TransferLearning.ImageClassification.Backbones;
using TransferLearning.ImageClassification.Features;
using TransferLearning.ImageClassification.Preprocessing;
using TransferLearning.ImageClassification.Quantization;
using TransferLearning.ImageClassification.Tests.Support;
using Xunit.Abstractions;

namespace TransferLearning.ImageClassification.Tests.Quantization;

/// <summary>
/// The QDQ recipe on the structures of the catalogue's families (random weights): ONNX Runtime turns every
/// convolution into QLinearConv and every residual add into QLinearAdd, and the int8 features stay close to float.
/// </summary>
public sealed class QdqGraphTests(ITestOutputHelper output) : IDisposable
{
    private readonly TempFolder _folder = TestImages.NewFolder();

    public void Dispose() => _folder.Dispose();

    public static TheoryData<string> Structures => ["residual", "pre-activation", "inception", "depthwise", "stacked activations"];

    private static byte[] Graph(string structure) => structure switch
    {
        "residual" => QuantizableGraphs.Residual(),
        "pre-activation" => QuantizableGraphs.PreActivation(),
        "inception" => QuantizableGraphs.Inception(),
        "stacked activations" => QuantizableGraphs.StackedActivations(),
        _ => QuantizableGraphs.Depthwise(),
    };

    [Theory]
    [MemberData(nameof(Structures))]
    public async Task Every_convolution_runs_in_int8_and_the_features_stay_close_to_float(string structure)
    {
        var spec = BackboneSpec.FromOnnxFile(_folder.Write($"{structure}.onnx", Graph(structure)), new ImageSize(64, 64), PixelNormalization.Torch);
        var images = Enumerable.Range(0, 24).Select(i => _folder.Write($"images/{i}.png", TestImages.Encode(SKEncodedImageFormat.Png, 40 + i, 30 + i, seed: (byte)(i * 9)))).ToArray();

        var calibration = await BackboneQuantizer.CalibrateAsync(spec, images[..16]);
        var (bytes, sha256) = BackboneRunner.ReadModel(spec, null);
        var rewrite = OnnxGraphRewriter.ToFeatureExtractor(bytes, spec);
        var fusion = FusionCount.Of(BackboneQuantizer.Build(rewrite, sha256, spec, calibration));
        using var fp32 = BottleneckFeaturizer.Create(spec, new FeaturizerOptions { CacheDirectory = null });
        using var int8 = BottleneckFeaturizer.Create(spec, new FeaturizerOptions { CacheDirectory = null, Int8 = calibration });
        var expected = (await fp32.FeaturizeAsync(images[16..])).Features;
        var actual = (await int8.FeaturizeAsync(images[16..])).Features;

        var convolutions = Onnx.ModelProto.Parser.ParseFrom(bytes).Graph.Node.Count(n => n.OpType == "Conv");
        Assert.Equal((convolutions, 0), (fusion.IntegerConvolutions, fusion.FloatConvolutions));
        var adds = Onnx.ModelProto.Parser.ParseFrom(bytes).Graph.Node.Count(n => n.OpType == "Add");
        Assert.Equal(adds, fusion.IntegerAdds);
        var errors = expected.Zip(actual, (e, a) => RelativeError(e!, a!)).ToArray();
        output.WriteLine($"{structure}: {fusion}; relative error max {errors.Max():F4}, mean {errors.Average():F4}");
        Assert.All(errors, e => Assert.True(e < 0.05, $"relative error {e}"));
    }

    /// <summary>‖int8 − float‖ / ‖float‖ of one image's features.</summary>
    private static double RelativeError(float[] expected, float[] actual)
    {
        double difference = 0, norm = 0;
        for (var i = 0; i < expected.Length; i++) (difference, norm) = (difference + Math.Pow(actual[i] - expected[i], 2), norm + Math.Pow(expected[i], 2));
        return Math.Sqrt(difference / norm);
    }
}
