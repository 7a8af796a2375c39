namespace TransferLearning.ImageClassification.Features;

/// <summary>How far a featurization run is.</summary>
public sealed class FeaturizationProgress
{
    internal FeaturizationProgress(int done, int total, double imagesPerSecond)
    {
        Done = done;
        Total = total;
        ImagesPerSecond = imagesPerSecond;
    }

    /// <summary>Images finished (computed, read from the cache, or skipped).</summary>
    public int Done { get; }

    /// <summary>Images in the run.</summary>
    public int Total { get; }

    /// <summary>Finished images per second since the run started.</summary>
    public double ImagesPerSecond { get; }
}
