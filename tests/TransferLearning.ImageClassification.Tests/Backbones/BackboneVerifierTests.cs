using TransferLearning.ImageClassification.Backbones;
using TransferLearning.ImageClassification.Preprocessing;
using TransferLearning.ImageClassification.Tests.Support;

namespace TransferLearning.ImageClassification.Tests.Backbones;

public class BackboneVerifierTests
{
    public static TheoryData<FeatureProducer, FeaturePooling> Cuts => new()
    {
        { FeatureProducer.MaxPoolMap, FeaturePooling.GlobalAverage },
        { FeatureProducer.MaxPoolMap, FeaturePooling.GlobalAverageAndMax },
        { FeatureProducer.FixedAveragePool, FeaturePooling.GlobalAverage },
        { FeatureProducer.FixedAveragePool, FeaturePooling.GlobalMax },
        { FeatureProducer.GlobalAveragePool, FeaturePooling.GlobalAverage },
    };

    [Theory]
    [MemberData(nameof(Cuts))]
    public void The_rewrite_of_a_generated_graph_matches_its_original_values(FeatureProducer producer, FeaturePooling pooling)
    {
        using var folder = TestImages.NewFolder();
        var path = folder.Write("tiny.onnx", TinyOnnx.Classifier("data", "cut", 8, producer));
        var spec = new BackboneSpec(BackboneSpec.FromOnnxFile(path, new ImageSize(224, 224), PixelNormalization.Torch)) { FeatureNode = "cut", Pooling = pooling };

        Assert.InRange(BackboneVerifier.MaxDifference(spec), 0, 1e-5);
    }

    [Fact]
    public void Both_bundled_resnet18_cuts_match_the_original_graph()
    {
        Assert.InRange(BackboneVerifier.MaxDifference(BackboneCatalog.ResNet18), 0, 1e-4);
        Assert.InRange(BackboneVerifier.MaxDifference(BackboneCatalog.ResNet18Layer3), 0, 1e-4);
    }
}
