namespace TransferLearning.ImageClassification.Features;

/// <summary>How far a featurization run is.</summary>
/// <param name="Done">Images finished (computed, read from the cache, or skipped).</param>
/// <param name="Total">Images in the run.</param>
/// <param name="ImagesPerSecond">Finished images per second since the run started.</param>
public readonly record struct FeaturizationProgress(int Done, int Total, double ImagesPerSecond);
