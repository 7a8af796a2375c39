using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using TransferLearning.ImageClassification.Export;
using TransferLearning.ImageClassification.Head;
using TransferLearning.ImageClassification.Preprocessing;
using TransferLearning.ImageClassification.Tests.Support;

namespace TransferLearning.ImageClassification.Tests.Export;

/// <summary>With mirror images, the exported file still gives the library's probabilities on a backbone whose
/// normalisation is not left-right symmetric (ResNet18 subtracts a mean image).</summary>
public sealed class MirrorImageExportTests
{
    [Fact]
    public async Task The_mirror_image_is_taken_before_the_mean_image_is_subtracted_as_the_library_does()
    {
        using var folder = TestImages.NewFolder();
        TestImages.CopyAssets(folder.Combine("data"), classes: 3, perClass: 8);
        var result = await new TransferClassifierBuilder()
            .WithImages(folder.Combine("data"))
            .WithBackbone("resnet18-layer3")
            .WithFeaturizer(o => new(o) { CacheDirectory = null, HorizontalFlip = true })
            .WithHead(new HeadOptions { Epochs = 2, HiddenLayers = [] })
            .TrainAsync();
        using var classifier = result.Classifier;
        var path = folder.Combine("mirror.onnx");
        classifier.ExportOnnx(path);
        using var session = new InferenceSession(path);

        foreach (var file in Directory.GetFiles(TestImages.Test, "*.png", SearchOption.AllDirectories).Order(StringComparer.Ordinal).Take(6))
        {
            var image = File.ReadAllBytes(file);
            using var decoded = ImageDecoder.Decode(image, classifier.Backbone.InputSize);
            var tensor = new DenseTensor<byte>(OnnxExporterTests.Rgb(decoded), [1, decoded.Height, decoded.Width, 3]);
            using var results = session.Run([NamedOnnxValue.CreateFromTensor("image", tensor)], ["probabilities"]);
            var expected = classifier.Predict(image).Scores.Select(s => s.Probability);
            Assert.All(expected.Zip(results[0].AsEnumerable<float>()), p => Assert.Equal(p.First, p.Second, 1e-4));
        }
    }
}
