using TransferLearning.ImageClassification.Data;
using TransferLearning.ImageClassification.Evaluation;
using TransferLearning.ImageClassification.Experiments;
using TransferLearning.ImageClassification.Head;
using TransferLearning.ImageClassification.Training;

namespace TransferLearning.ImageClassification.Plots.Tests;

/// <summary>Small hand-made reports whose every number is known.</summary>
internal static class Reports
{
    public static ClassificationMetrics Metrics(double accuracy) => new(
        accuracy, accuracy, 0.5, 1, 2,
        [new ClassMetrics("cat", 0.9, 0.8, 0.85, 10), new ClassMetrics("dog", 0.8, 0.9, 0.85, 12), new ClassMetrics("fox", 1, 1, 1, 3)],
        [[8, 2, 0], [1, 11, 0], [0, 0, 3]],
        25);

    public static TrainingReport Training(
        string backbone = "resnet18", string head = "dense", double accuracy = 0.88, IReadOnlyList<EpochMetrics>? history = null) => new(
        backbone, "cpu", "224x224", new ImageCounts(80, 10, 25, 0), Array.Empty<SkippedImage>(), Metrics(0.3), Metrics(accuracy),
        history ?? [
            new EpochMetrics(1, 1.0, 0.5, 0.9, 0.55, 3e-4),
            new EpochMetrics(2, 0.7, 0.7, 0.8, 0.65, 3e-4),
            new EpochMetrics(3, 0.5, 0.8, 0.75, 0.7, 3e-4)],
        new Timings(10, 11.5, 115, 2))
    { Head = head };

    public static ExperimentResult Experiment() => new(
        [
            new ExperimentEntry(512, 1, 1, Training("vgg16", "dense", 0.93)),
            new ExperimentEntry(512, 1, 1, Training("vgg16", "lbfgs-maxent", 0.91)),
            new ExperimentEntry(1024, 1, 1, Training("googlenet", "dense", 0.95)),
            new ExperimentEntry(1024, 1, 1, Training("googlenet", "lbfgs-maxent", 0.94)),
        ],
        featurizeSeconds: 12);
}
