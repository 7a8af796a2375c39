namespace TransferLearning.ImageClassification.Training;

/// <summary>Wall times of a run.</summary>
public sealed class Timings
{
    internal Timings(
        double featurizeSeconds,
        double featurizeImagesPerSecond,
        int imagesComputed,
        double trainSeconds,
        double backboneSeconds = 0,
        double calibrateSeconds = 0)
    {
        FeaturizeSeconds = featurizeSeconds;
        FeaturizeImagesPerSecond = featurizeImagesPerSecond;
        ImagesComputed = imagesComputed;
        TrainSeconds = trainSeconds;
        BackboneSeconds = backboneSeconds;
        CalibrateSeconds = calibrateSeconds;
    }

    /// <summary>Computing (or reading cached) bottleneck features.</summary>
    public double FeaturizeSeconds { get; }

    /// <summary>Images per second of that step.</summary>
    public double FeaturizeImagesPerSecond { get; }

    /// <summary>Images run through the backbone (the rest came from the cache).</summary>
    public int ImagesComputed { get; }

    /// <summary>Training the head.</summary>
    public double TrainSeconds { get; }

    /// <summary>Of the featurizing time, the part spent in this backbone's network (decoding overlaps it).</summary>
    public double BackboneSeconds { get; }

    /// <summary>Images computed per second of backbone time: the network's own throughput in this run.</summary>
    public double BackboneImagesPerSecond => BackboneSeconds > 0 ? ImagesComputed / BackboneSeconds : 0;

    /// <summary>Calibrating the int8 backbone before featurizing (0 in float32).</summary>
    public double CalibrateSeconds { get; }
}
