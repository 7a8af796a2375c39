namespace TransferLearning.ImageClassification.Training;

/// <summary>Wall times of a run.</summary>
/// <param name="FeaturizeSeconds">Computing (or reading cached) bottleneck features.</param>
/// <param name="FeaturizeImagesPerSecond">Images per second of that step.</param>
/// <param name="ImagesComputed">Images run through the backbone (the rest came from the cache).</param>
/// <param name="TrainSeconds">Training the head.</param>
/// <param name="BackboneSeconds">Of the featurizing time, the part spent in this backbone's network (decoding overlaps it).</param>
public sealed record Timings(double FeaturizeSeconds, double FeaturizeImagesPerSecond, int ImagesComputed, double TrainSeconds, double BackboneSeconds = 0)
{
    /// <summary>Images computed per second of backbone time: the network's own throughput in this run.</summary>
    public double BackboneImagesPerSecond => BackboneSeconds > 0 ? ImagesComputed / BackboneSeconds : 0;

    /// <summary>Calibrating the int8 backbone before featurizing (0 in float32).</summary>
    public double CalibrateSeconds { get; init; }
}
