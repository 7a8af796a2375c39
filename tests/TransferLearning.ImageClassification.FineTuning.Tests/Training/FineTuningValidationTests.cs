using TransferLearning.ImageClassification.Backbones;
using TransferLearning.ImageClassification.Head;

namespace TransferLearning.ImageClassification.FineTuning.Tests.Training;

/// <summary>What fine-tuning cannot do is refused when the builder builds, before any image is read, with what to
/// change.</summary>
public sealed class FineTuningValidationTests : IDisposable
{
    private readonly TempFolder _folder = TestImages.NewFolder();

    public FineTuningValidationTests() => TestImages.CopyAssets(_folder.Combine("data"), classes: 2, perClass: 3);

    public void Dispose() => _folder.Dispose();

    private TransferClassifierBuilder Builder() => new TransferClassifierBuilder().WithImages(_folder.Combine("data"));

    [Fact]
    public void Out_of_range_options_are_all_named_at_once()
    {
        var error = Assert.Throws<ArgumentException>(() => Builder()
            .WithFineTuning(new FineTuningOptions { Stages = 0, Epochs = 0, BackboneLearningRate = double.NaN, WarmupShare = 1 })
            .Build());

        foreach (var option in new[] { "Stages", "Epochs", "BackboneLearningRate", "WarmupShare" })
            Assert.Contains(option, error.Message);
    }

    [Fact]
    public void More_stages_than_the_backbone_lists_are_refused_naming_the_boundary_option()
    {
        var error = Assert.Throws<InvalidOperationException>(() => Builder()
            .WithFineTuning(new FineTuningOptions { Stages = 4 })
            .Build());

        Assert.Contains("lists 3 stage boundaries", error.Message);
        Assert.Contains("FineTuningOptions.Boundary", error.Message);
    }

    [Fact]
    public void A_custom_backbone_without_stages_needs_a_boundary_tensor()
    {
        var custom = new BackboneSpec(BackboneCatalog.ResNet18) { Name = "custom", StageBoundaries = [] };

        var error = Assert.Throws<InvalidOperationException>(() => Builder().WithBackbone(custom).WithFineTuning().Build());

        Assert.Contains("'custom' lists 0 stage boundaries", error.Message);
    }

    [Fact]
    public void An_ml_net_head_and_int8_are_refused()
    {
        Assert.Contains("HeadOptions", Assert.Throws<InvalidOperationException>(() => Builder()
            .WithHead(MLNetHeadOptions.LbfgsMaximumEntropy).WithFineTuning().Build()).Message);
        Assert.Contains("WithInt8", Assert.Throws<InvalidOperationException>(() => Builder()
            .WithInt8().WithFineTuning().Build()).Message);
    }

    [TorchFact]
    public void A_comparison_of_frozen_backbones_refuses_it()
    {
        var error = Assert.Throws<InvalidOperationException>(
            () => Builder().WithFineTuning().BuildExperiment([BackboneCatalog.ResNet18]));

        Assert.Contains("WithFineTuning applies to Build() and TrainAsync() only", error.Message);
    }

    [Fact]
    public void Where_libtorch_cannot_load_building_says_why_before_any_image_is_read()
    {
        var builder = Builder().WithFineTuning();

        if (LibTorch.IsAvailable(out var reason)) Assert.NotNull(builder.Build());
        else Assert.Equal(reason, Assert.Throws<InvalidOperationException>(() => builder.Build()).Message);
    }
}
