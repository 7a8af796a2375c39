using TransferLearning.ImageClassification.Head;
using TransferLearning.ImageClassification.Training;

namespace TransferLearning.ImageClassification.FineTuning.Tests.Training;

/// <summary>
/// One fine-tuning run shared by the tests: 4 classes × 24 bundled garments (mirror images on), the resnet18's last
/// stage for 2 epochs after a head trained for only 2 epochs, so that fine-tuning has something to win on validation.
/// Where LibTorch cannot load nothing is trained, and every test that needs the run is skipped.
/// </summary>
public sealed class FineTunedClassifier : IDisposable
{
    public FineTunedClassifier()
    {
        if (!LibTorch.IsAvailable(out _)) return;
        Images = Folder.Combine("data");
        TestImages.CopyAssets(Images, classes: 4, perClass: 24);
        Result = new TransferClassifierBuilder()
            .WithImages(Images)
            .WithFeaturizer(o => new(o) { CacheDirectory = null, HorizontalFlip = true })
            .WithHead(new HeadOptions { Epochs = 2, HiddenLayers = [] })
            .WithFineTuning(new FineTuningOptions { Epochs = 2 })
            .TrainAsync().GetAwaiter().GetResult();
    }

    internal TempFolder Folder { get; } = TestImages.NewFolder();

    public string Images { get; } = "";

    public TrainingResult? Result { get; }

    public void Dispose()
    {
        Result?.Classifier.Dispose();
        Folder.Dispose();
    }
}
