using TransferLearning.ImageClassification;
using TransferLearning.ImageClassification.Classification;
using TransferLearning.ImageClassification.Head;
using TransferLearning.ImageClassification.Tests.Support;

namespace CatsDogs.WebApi.Tests;

/// <summary>Two small real models (ResNet18 on bundled images): one with two classes, one with three, to swap between.</summary>
public sealed class TwoModelsFixture : IAsyncLifetime
{
    private readonly TempFolder _folder = TestImages.NewFolder();

    public string TwoClasses => _folder.Combine("two.zip");

    public string ThreeClasses => _folder.Combine("three.zip");

    public TransferClassifier Reference { get; private set; } = null!;

    /// <summary>Real test images of the two-class model's classes.</summary>
    public IReadOnlyList<byte[]> Images { get; private set; } = [];

    public async Task InitializeAsync()
    {
        await Train(classes: 2, TwoClasses);
        await Train(classes: 3, ThreeClasses);
        Reference = TransferClassifier.Load(TwoClasses);
        Images = [.. Directory.GetDirectories(TestImages.Test).Order(StringComparer.Ordinal).Take(2)
            .SelectMany(d => Directory.GetFiles(d).Order(StringComparer.Ordinal).Take(8)).Select(File.ReadAllBytes)];
    }

    /// <summary>A folder for one test's files.</summary>
    public string NewFolder() => Directory.CreateDirectory(_folder.Combine(Guid.NewGuid().ToString("N"))).FullName;

    private async Task Train(int classes, string path)
    {
        var data = _folder.Combine($"data{classes}");
        TestImages.CopyAssets(data, classes, perClass: 10);
        var result = await new TransferClassifierBuilder()
            .WithImages(data)
            .WithFeaturizer(o => new(o) { CacheDirectory = _folder.Combine("cache") })
            .WithBackbone("resnet18")
            .WithHead(new HeadOptions { Epochs = 5 })
            .TrainAsync();
        using (result.Classifier) result.Classifier.Save(path);
    }

    public Task DisposeAsync()
    {
        Reference.Dispose();
        _folder.Dispose();
        return Task.CompletedTask;
    }
}
