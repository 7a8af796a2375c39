using Microsoft.Extensions.Logging;
using TransferLearning.ImageClassification.Backbones;
using TransferLearning.ImageClassification.Data;
using TransferLearning.ImageClassification.Features;
using TransferLearning.ImageClassification.Head;

namespace TransferLearning.ImageClassification.Training;

/// <summary>The validated choices of a <see cref="TransferClassifierBuilder"/>.</summary>
internal sealed record TrainingSettings(
    ImageDataset Data,
    ImageDataset? TestData,
    SplitRatios Ratios,
    int Seed,
    BackboneSpec Backbone,
    FeaturizerOptions Featurizer,
    IHeadRecipe Head,
    Action<EpochMetrics>? OnEpoch,
    IProgress<FeaturizationProgress>? Progress,
    IProgress<Downloads.DownloadProgress>? DownloadProgress,
    ILogger Logger)
{
    /// <summary>Precomputed features of <see cref="Data"/> (WithFeatures), or null to featurize the images.</summary>
    public PrecomputedFeatures? Features { get; init; }

    /// <summary>Precomputed features of <see cref="TestData"/>.</summary>
    public PrecomputedFeatures? TestFeatures { get; init; }

    /// <summary>Run the backbone in int8, calibrated on training images this way (WithInt8); null: float32.</summary>
    public Quantization.QuantizationOptions? Int8 { get; init; }

    /// <summary>The novelty detector's calibration; null: no detector.</summary>
    public Novelty.NoveltyOptions? Novelty { get; init; } = new();

    /// <summary>Trains the backbone after the head (the FineTuning package's WithFineTuning); null: frozen.</summary>
    public IBackboneTuning? Tuning { get; init; }
}
