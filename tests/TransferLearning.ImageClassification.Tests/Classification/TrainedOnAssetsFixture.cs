using TransferLearning.ImageClassification.Backbones;
using TransferLearning.ImageClassification.Tests.Support;
using TransferLearning.ImageClassification.Training;

namespace TransferLearning.ImageClassification.Tests.Classification;

/// <summary>The main job, once per test run: the real ResNet18 (cut after stage 3, as the CLI's default) and the default head on the bundled Fashion-MNIST train/test folders.</summary>
public sealed class TrainedOnAssetsFixture : IAsyncLifetime
{
    private readonly TempFolder _folder = TestImages.NewFolder();

    public string CacheDirectory => _folder.Combine("cache");

    public string ModelDirectory => _folder.Path;

    public TrainingResult Result { get; private set; } = null!;

    public TransferClassifierBuilder NewBuilder() => new TransferClassifierBuilder()
        .WithImages(TestImages.Train)
        .WithTestImages(TestImages.Test)
        .WithBackbone(BackboneCatalog.ResNet18Layer3)
        .WithFeaturizer(o => new(o) { CacheDirectory = CacheDirectory });

    public async Task InitializeAsync() => Result = await NewBuilder().TrainAsync();

    public Task DisposeAsync()
    {
        Result.Classifier.Dispose();
        _folder.Dispose();
        return Task.CompletedTask;
    }
}

[CollectionDefinition(Name)]
public sealed class TrainedOnAssets : ICollectionFixture<TrainedOnAssetsFixture>
{
    public const string Name = "trained on the bundled assets";
}
