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
        using var session = new InferenceSession(ResNet18.ModelPath!);
        using var input = OrtValue.CreateTensorValueFromMemory(image, [1, 3, 224, 224]);
        using var runOptions = new RunOptions();
        using var outputs = session.Run(runOptions, [ResNet18.InputName!], [input], [ResNet18.FeatureNode]);
        return outputs[0].GetTensorDataAsSpan<float>().ToArray();
    }

    [Fact]
    public void The_shipped_graph_fixes_batch_one_and_the_runner_takes_batches()
    {
        var original = ModelProto.Parser.ParseFrom(File.ReadAllBytes(ResNet18.ModelPath!));
        Assert.Equal(1, original.Graph.Input[0].Type.TensorType.Shape.Dim[0].DimValue);

        using var runner = BackboneRunner.Load(ResNet18);

        Assert.Equal(2 * 512, runner.Run(RandomImages(2, seed: 1), 2).Length);
    }

    [Fact]
    public void The_feature_size_is_learned_from_the_network_when_the_spec_leaves_it_open()
    {
        using var runner = BackboneRunner.Load(new BackboneSpec(ResNet18) { FeatureSize = null });

        Assert.Equal(512, runner.FeatureSize);
    }

    [Fact]
    public void A_wrong_feature_size_in_the_spec_is_refused_when_loading()
    {
        var error = Assert.Throws<InvalidDataException>(() => BackboneRunner.Load(new BackboneSpec(ResNet18) { FeatureSize = 1000 }));

        Assert.Contains("512", error.Message);
    }

    [Fact]
    public void A_batch_gives_each_image_its_own_features()
    {
        using var runner = BackboneRunner.Load(ResNet18);
        var images = RandomImages(3, seed: 2);

        var batched = runner.Run(images, 3);

        Assert.Equal(3 * 512, batched.Length);
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
        var spec = new BackboneSpec(ResNet18) { ModelPath = "/nowhere/ResNet18.onnx" };

        var error = Assert.Throws<BackboneNotFoundException>(() => BackboneRunner.Load(spec));
        Assert.Contains("resnet18", error.Message);
        Assert.Contains("/nowhere/ResNet18.onnx", error.Message);
    }

    [Fact]
    public void A_model_file_with_another_hash_is_refused()
    {
        var spec = new BackboneSpec(ResNet18) { Sha256 = new string('0', 64) };

        var error = Assert.Throws<BackboneMismatchException>(() => BackboneRunner.Load(spec));
        Assert.Contains("SHA-256", error.Message);
    }
}
