using TransferLearning.ImageClassification.Data;

namespace CatsDogs.Console;

/// <summary>
/// Which images a command uses; with no folders given, the bundled Fashion-MNIST train and test folders.
/// </summary>
internal sealed record DataChoice(DirectoryInfo? Data, DirectoryInfo? TestData, int Seed, DirectoryInfo Cache)
{
    public DirectoryInfo TrainFolder => Data ?? Assets.FashionMnist("train");

    public DirectoryInfo? TestFolder => TestData ?? (Data is null ? Assets.FashionMnist("test") : null);

    /// <summary>
    /// The images train holds out for testing: a separate test folder, or the test part of the same seeded split.
    /// </summary>
    public IReadOnlyList<LabeledImage> TestImages() => TestFolder is { } test
        ? ImageDataset.FromFolder(test.FullName).Images
        : ImageDataset.FromFolder(TrainFolder.FullName).Split(SplitRatios.Default, Seed).Test;
}
