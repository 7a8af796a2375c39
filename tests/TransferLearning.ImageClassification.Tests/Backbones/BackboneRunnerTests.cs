using Microsoft.ML.OnnxRuntime;
using Onnx;
using TransferLearning.ImageClassification.Backbones;

namespace TransferLearning.ImageClassification.Tests.Backbones;

public class BackboneRunnerTests
{
    private static readonly BackboneSpec ResNet18 = BackboneCatalog.ResNet18;
    private const int ImageFloats = 3 * 224 * 224;

    private static float[] RandomImages(int count, int seed)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, count * ImageFloats).Select(_ => random.NextSingle() * 255 - 128).ToArray();
    }

    private static float[] RunOriginal(float[] image)
    {
        using var session = new InferenceSession(ResNet18.ModelPath);
        using var input = OrtValue.CreateTensorValueFromMemory(image, [1, 3, 224, 224]);
        using var runOptions = new RunOptions();
        using var outputs = session.Run(runOptions, [ResNet18.InputName], [input], [ResNet18.FeatureNode]);
        return outputs[0].GetTensorDataAsSpan<float>().ToArray();
    }

    [Fact]
    public void The_shipped_graph_fixes_batch_one_and_the_rewrite_makes_it_symbolic()
    {
        var original = ModelProto.Parser.ParseFrom(File.ReadAllBytes(ResNet18.ModelPath));
        Assert.Equal(1, original.Graph.Input[0].Type.TensorType.Shape.Dim[0].DimValue);

        var rewritten = ModelProto.Parser.ParseFrom(OnnxGraphRewriter.ToBatchedFeatureExtractor(File.ReadAllBytes(ResNet18.ModelPath), ResNet18.FeatureNode));

        Assert.False(string.IsNullOrEmpty(rewritten.Graph.Input[0].Type.TensorType.Shape.Dim[0].DimParam));
        Assert.Equal(ResNet18.FeatureNode, Assert.Single(rewritten.Graph.Output).Name);
        Assert.Equal(original.Graph.Initializer.Count, rewritten.Graph.Initializer.Count);
    }

    [Fact]
    public void Features_of_one_image_are_bit_identical_to_the_original_graph()
    {
        using var runner = BackboneRunner.Load(ResNet18);
        var image = RandomImages(1, seed: 1);

        Assert.Equal(RunOriginal(image), runner.Run(image, 1));
    }

    [Fact]
    public void A_batch_gives_each_image_its_own_features()
    {
        using var runner = BackboneRunner.Load(ResNet18);
        var images = RandomImages(3, seed: 2);

        var batched = runner.Run(images, 3);

        Assert.Equal(3 * ResNet18.FeatureSize, batched.Length);
        for (var i = 0; i < 3; i++)
        {
            var alone = RunOriginal(images[(i * ImageFloats)..((i + 1) * ImageFloats)]);
            var inBatch = batched[(i * 512)..((i + 1) * 512)];
            // Batched convolution kernels may sum in another order: equal to float rounding, not always to the bit.
            Assert.All(alone.Zip(inBatch), p => Assert.Equal(p.First, p.Second, 1e-4 * Math.Max(1, Math.Abs(p.First))));
        }
    }

    [Fact]
    public void A_missing_model_file_says_which_backbone_and_where()
    {
        var spec = ResNet18 with { ModelPath = "/nowhere/ResNet18.onnx" };

        var error = Assert.Throws<BackboneNotFoundException>(() => BackboneRunner.Load(spec));
        Assert.Contains("resnet18", error.Message);
        Assert.Contains("/nowhere/ResNet18.onnx", error.Message);
    }

    [Fact]
    public void A_model_file_with_another_hash_is_refused()
    {
        var spec = ResNet18 with { Sha256 = new string('0', 64) };

        var error = Assert.Throws<BackboneNotFoundException>(() => BackboneRunner.Load(spec));
        Assert.Contains("SHA-256", error.Message);
    }

    [Fact]
    public void The_catalogue_finds_entries_by_name_and_lists_them_when_it_cannot()
    {
        Assert.Same(BackboneCatalog.ResNet18, BackboneCatalog.Get("ResNet18"));
        var error = Assert.Throws<ArgumentException>(() => BackboneCatalog.Get("vgg99"));
        Assert.Contains("resnet18", error.Message);
    }
}
