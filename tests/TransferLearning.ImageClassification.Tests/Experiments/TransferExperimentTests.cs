using TransferLearning.ImageClassification.Backbones;
using TransferLearning.ImageClassification.Head;
using TransferLearning.ImageClassification.Preprocessing;
using TransferLearning.ImageClassification.Tests.Support;

namespace TransferLearning.ImageClassification.Tests.Experiments;

public class TransferExperimentTests
{
    [Fact]
    public async Task Every_backbone_and_head_is_trained_on_the_same_split_and_a_rerun_reports_the_same_numbers()
    {
        using var folder = TestImages.NewFolder();
        TestImages.CopyAssets(folder.Combine("data"), classes: 3, perClass: 10);
        var tiny = TinyOnnx.Backbone(folder, features: 32);
        var experiment = new TransferClassifierBuilder()
            .WithImages(folder.Combine("data"))
            .WithFeaturizer(o => new(o) { CacheDirectory = folder.Combine("cache") })
            .WithHead(new HeadOptions { Epochs = 5 })
            .BuildExperiment([BackboneCatalog.ResNet18, tiny], [new HeadOptions { Epochs = 5 }, MLNetHeadOptions.LbfgsMaximumEntropy]);

        var first = await experiment.RunAsync();
        var second = await experiment.RunAsync();

        Assert.Equal(
            [("resnet18", "dense", 512), ("resnet18", "lbfgs-maxent", 512), ("tiny", "dense", 32), ("tiny", "lbfgs-maxent", 32)],
            first.Entries.Select(e => (e.Report.Backbone, e.Report.Head, e.FeatureSize)));
        Assert.Single(first.Entries.Select(e => SameJson.Of(e.Report.Counts)).Distinct());
        Assert.All(first.Entries, e => Assert.True(e.BackboneBytes > 0 && e.HeadBytes > 0));
        Assert.Equal(512 * 256 * 4 + 256 * 4 + 257 * 3 * 4, first.Entries[0].HeadBytes);
        Assert.Equal(
            first.Entries.Select(e => (e.Report.Test!.Accuracy, e.Report.Test.LogLoss, e.Report.Initial?.Accuracy)),
            second.Entries.Select(e => (e.Report.Test!.Accuracy, e.Report.Test.LogLoss, e.Report.Initial?.Accuracy)));
        Assert.Equal(0, second.Entries[0].Report.Timings.ImagesComputed);
        Assert.Same(first.Entries.MaxBy(e => e.Report.Test!.Accuracy), first.Best);
    }

    [Fact]
    public void A_comparison_needs_distinct_backbones_and_at_least_one_head()
    {
        var builder = new TransferClassifierBuilder().WithImages(TestImages.Train);

        Assert.Throws<ArgumentException>(() => builder.BuildExperiment([]));
        Assert.Throws<ArgumentException>(() => builder.BuildExperiment([BackboneCatalog.ResNet18, BackboneCatalog.ResNet18]));
        Assert.Throws<ArgumentException>(() => builder.BuildExperiment([BackboneCatalog.ResNet18], []));
    }
}
