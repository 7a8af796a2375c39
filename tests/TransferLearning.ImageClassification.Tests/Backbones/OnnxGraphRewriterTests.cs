using Microsoft.ML.OnnxRuntime;
using Onnx;
using TransferLearning.ImageClassification.Backbones;
using TransferLearning.ImageClassification.Preprocessing;
using TransferLearning.ImageClassification.Tests.Support;

namespace TransferLearning.ImageClassification.Tests.Backbones;

public class OnnxGraphRewriterTests
{
    private const int Features = 8;

    private static BackboneSpec Spec(string featureNode = BackboneSpec.AutoFeatureNode, FeaturePooling pooling = FeaturePooling.GlobalAverage) => new()
    {
        Name = "tiny",
        ModelPath = "unused.onnx",
        InputSize = new ImageSize(224, 224),
        Normalization = PixelNormalization.Torch,
        FeatureNode = featureNode,
        Pooling = pooling,
    };

    private static float[] Image(int seed, int size = 224)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, 3 * size * size).Select(_ => random.NextSingle() * 2 - 1).ToArray();
    }

    private static float[] Run(byte[] model, string input, string output, float[] image, int size = 224)
    {
        using var session = new InferenceSession(model);
        using var tensor = OrtValue.CreateTensorValueFromMemory(image, [1, 3, size, size]);
        using var runOptions = new RunOptions();
        using var outputs = session.Run(runOptions, [input], [tensor], [output]);
        return outputs[0].GetTensorDataAsSpan<float>().ToArray();
    }

    private static float[] RunRewritten(byte[] original, BackboneSpec spec, float[] image, int size = 224)
    {
        var rewritten = OnnxGraphRewriter.ToFeatureExtractor(original, spec);
        return Run(rewritten.Model, rewritten.InputName, OnnxGraphRewriter.OutputName, image, size);
    }

    private static void AssertClose(float[] expected, float[] actual, double tolerance = 1e-5)
    {
        Assert.Equal(expected.Length, actual.Length);
        Assert.All(expected.Zip(actual), p => Assert.Equal(p.First, p.Second, tolerance * Math.Max(1, Math.Abs(p.First))));
    }

    [Fact]
    public void Auto_cut_finds_the_global_pool_before_the_classifier_and_keeps_its_values()
    {
        var model = TinyOnnx.Classifier("x", "pooled", Features, FeatureProducer.GlobalAveragePool);
        var image = Image(1);

        var rewritten = OnnxGraphRewriter.ToFeatureExtractor(model, Spec());

        Assert.Equal("pooled", rewritten.FeatureTensor);
        AssertClose(Run(TinyOnnx.WithOutput(model, "pooled"), "x", "pooled", image), Run(rewritten.Model, "x", OnnxGraphRewriter.OutputName, image));
    }

    [Fact]
    public void A_spatial_map_is_globally_average_pooled_like_keras_include_top_false()
    {
        var model = TinyOnnx.Classifier("data", "map", Features, FeatureProducer.MaxPoolMap);
        var image = Image(2);
        var map = Run(TinyOnnx.WithOutput(model, "map"), "data", "map", image); // [1, 8, 7, 7]
        var expected = Enumerable.Range(0, Features).Select(c => map.Skip(c * 49).Take(49).Average()).ToArray();

        AssertClose(expected, RunRewritten(model, Spec("map"), image));
    }

    [Fact]
    public void Global_max_pooling_takes_the_largest_value_of_each_channel()
    {
        var model = TinyOnnx.Classifier("data", "map", Features, FeatureProducer.MaxPoolMap);
        var image = Image(3);
        var map = Run(TinyOnnx.WithOutput(model, "map"), "data", "map", image);
        var expected = Enumerable.Range(0, Features).Select(c => map.Skip(c * 49).Take(49).Max()).ToArray();

        AssertClose(expected, RunRewritten(model, Spec("map", FeaturePooling.GlobalMax), image));
    }

    [Fact]
    public void A_fixed_window_average_pool_becomes_global_so_other_input_sizes_work()
    {
        var model = TinyOnnx.Classifier("data", "pool", Features, FeatureProducer.FixedAveragePool);
        var image = Image(4);

        AssertClose(Run(TinyOnnx.WithOutput(model, "pool"), "data", "pool", image), RunRewritten(model, Spec("pool"), image));
        Assert.Equal(Features, RunRewritten(model, Spec("pool"), Image(5, size: 160), size: 160).Length);
    }

    [Fact]
    public void The_classifier_and_its_weights_are_dropped_and_batch_and_spatial_dims_become_symbolic()
    {
        var model = TinyOnnx.Classifier("data", "pooled", Features, FeatureProducer.GlobalAveragePool);

        var graph = ModelProto.Parser.ParseFrom(OnnxGraphRewriter.ToFeatureExtractor(model, Spec()).Model).Graph;

        Assert.DoesNotContain(graph.Node, n => n.OpType is "Gemm" or "Softmax");
        Assert.Equal(["conv_w"], graph.Initializer.Select(i => i.Name));
        var dims = Assert.Single(graph.Input).Type.TensorType.Shape.Dim;
        Assert.All([dims[0], dims[2], dims[3]], d => Assert.False(string.IsNullOrEmpty(d.DimParam)));
        // The features, then the map they pool (read only for class-activation maps).
        Assert.Equal([OnnxGraphRewriter.OutputName, "relu"], graph.Output.Select(o => o.Name));
    }

    [Fact]
    public void An_unknown_feature_node_or_input_is_named_in_the_error()
    {
        var model = TinyOnnx.Classifier("data", "pooled", Features, FeatureProducer.GlobalAveragePool);

        Assert.Contains("'fc7'", Assert.Throws<InvalidDataException>(() => OnnxGraphRewriter.ToFeatureExtractor(model, Spec("fc7"))).Message);
        Assert.Contains("'image'", Assert.Throws<InvalidDataException>(() => OnnxGraphRewriter.ToFeatureExtractor(model, new BackboneSpec(Spec()) { InputName = "image" })).Message);
    }

    [Fact]
    public void The_real_resnet18_cut_gives_the_original_pool_output_and_accepts_160x160()
    {
        var resnet = BackboneCatalog.ResNet18;
        var model = File.ReadAllBytes(resnet.ModelPath!);
        var image = Image(6);

        AssertClose(Run(model, resnet.InputName!, resnet.FeatureNode, image), RunRewritten(model, resnet, image), 1e-4);
        Assert.Equal(512, RunRewritten(model, resnet, Image(7, size: 160), size: 160).Length);
    }
}
