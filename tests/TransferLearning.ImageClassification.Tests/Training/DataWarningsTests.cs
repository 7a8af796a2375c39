using SkiaSharp;
using TransferLearning.ImageClassification.Backbones;
using TransferLearning.ImageClassification.Head;
using TransferLearning.ImageClassification.Preprocessing;
using TransferLearning.ImageClassification.Tests.Support;

namespace TransferLearning.ImageClassification.Tests.Training;

/// <summary>Data that trains but would mislead: the run finishes, and the report says what to look at.</summary>
public sealed class DataWarningsTests : IDisposable
{
    private readonly TempFolder _folder = TestImages.NewFolder();

    public void Dispose() => _folder.Dispose();

    /// <summary>Distinct small images (each seed gives other bytes, so none counts as a duplicate).</summary>
    private void Images(string label, int count, int firstSeed)
    {
        for (var i = 0; i < count; i++)
            _folder.Write(Path.Combine("data", label, $"{i:D3}.png"), TestImages.Encode(SKEncodedImageFormat.Png, 24, 24 + (firstSeed + i) % 200, seed: (byte)(firstSeed + i)));
    }

    private TransferClassifierBuilder Builder() => new TransferClassifierBuilder()
        .WithImages(_folder.Combine("data"))
        .WithFeaturizer(o => new(o) { CacheDirectory = null })
        .WithBackbone(TinyOnnx.Backbone(_folder, features: 8))
        .WithHead(new HeadOptions { Epochs = 2 });

    [Fact]
    public async Task Many_classes_of_one_image_train_and_the_report_says_there_is_no_validation_or_test_part()
    {
        for (var c = 0; c < 60; c++) Images($"class{c:D2}", 1, firstSeed: c * 3);

        var result = await Builder().TrainAsync();
        using var classifier = result.Classifier;

        Assert.Equal(60, result.Report.Counts.Train);
        Assert.Null(result.Report.Test);
        Assert.Contains(result.Report.Warnings, w => w.StartsWith("No validation images", StringComparison.Ordinal));
        Assert.Contains(result.Report.Warnings, w => w.StartsWith("No test images", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_class_whose_every_image_is_unusable_is_dropped_with_a_warning()
    {
        Images("cat", 10, firstSeed: 0);
        Images("dog", 10, firstSeed: 50);
        for (var i = 0; i < 4; i++) _folder.Write($"data/fox/{i}.png", "not an image"u8.ToArray());

        var result = await Builder().TrainAsync();
        using var classifier = result.Classifier;

        Assert.Equal(["cat", "dog"], classifier.Classes);
        Assert.Equal(4, result.Report.Counts.Skipped);
        Assert.Contains(result.Report.Warnings, w => w.Contains("Dropped class 'fox'"));
        Assert.Equal(2, result.Report.Test!.PerClass.Count);
    }

    [Fact]
    public async Task A_minority_class_too_small_for_a_test_image_gives_a_warning_and_no_binary_metrics_instead_of_a_crash()
    {
        Images("common", 30, firstSeed: 0);
        Images("rare", 3, firstSeed: 100);

        var result = await Builder().TrainAsync();
        using var classifier = result.Classifier;

        Assert.NotNull(result.Report.Test);
        Assert.Null(result.Report.Test!.Binary);
        Assert.Contains(result.Report.Warnings, w => w.Contains("no test image") && w.Contains("rare"));
    }

    [Fact]
    public async Task The_same_image_under_two_labels_is_reported()
    {
        Images("cat", 10, firstSeed: 0);
        Images("dog", 10, firstSeed: 50);
        File.Copy(_folder.Combine("data", "cat", "003.png"), _folder.Combine("data", "dog", "copy.png"));

        var result = await Builder().TrainAsync();
        using var classifier = result.Classifier;

        Assert.Contains(result.Report.Warnings, w => w.Contains("labelled cat and dog") && w.Contains("copy.png"));
    }

    [Fact]
    public void Metrics_that_are_not_numbers_are_named()
    {
        var metrics = new ImageClassification.Evaluation.ClassificationMetrics(0.5, 0.5, double.NaN, 1, 3, [], [], 4,
            new ImageClassification.Evaluation.BinaryMetrics("b", 0.5, double.PositiveInfinity, 0.5, 0.5, 0.5, 0.5));

        var warnings = ImageClassification.Evaluation.DataChecks.NonFinite("test", metrics).ToArray();

        Assert.Equal(["The test log-loss is NaN (written as null).", "The test AUC is Infinity (written as null)."], warnings);
    }
}
