namespace TransferLearning.ImageClassification.Training;

/// <summary>What fine-tuning the backbone did (TransferLearning.ImageClassification.FineTuning's
/// <c>WithFineTuning</c>): what trained, how fast, and the validation and test scores before and after. The scores after
/// (and the report's test metrics and novelty calibration) are computed from the cached float16 maps, not the images
/// again.</summary>
public sealed class FineTuningReport
{
    internal FineTuningReport(string boundary, int stages, long trainedWeights, int epochs, int bestEpoch,
        double backboneLearningRate, double headLearningRate, double imagesPerSecond, double mapSeconds,
        double trainSeconds)
    {
        Boundary = boundary;
        Stages = stages;
        TrainedWeights = trainedWeights;
        Epochs = epochs;
        BestEpoch = bestEpoch;
        BackboneLearningRate = backboneLearningRate;
        HeadLearningRate = headLearningRate;
        ImagesPerSecond = imagesPerSecond;
        MapSeconds = mapSeconds;
        TrainSeconds = trainSeconds;
    }

    /// <summary>The tensor the trained part starts from (the frozen part's output).</summary>
    public string Boundary { get; }

    /// <summary>Stages unfrozen (0 when a boundary tensor was named instead).</summary>
    public int Stages { get; }

    /// <summary>Backbone weights trained (BatchNormalization scales and shifts included).</summary>
    public long TrainedWeights { get; }

    /// <summary>Fine-tuning epochs run (early stopping may end before the asked number).</summary>
    public int Epochs { get; }

    /// <summary>The epoch whose weights were kept (lowest validation loss); 0 when none beat the frozen
    /// model.</summary>
    public int BestEpoch { get; }

    /// <summary>Peak learning rate of the backbone's weights.</summary>
    public double BackboneLearningRate { get; }

    /// <summary>Peak learning rate of the head's weights.</summary>
    public double HeadLearningRate { get; }

    /// <summary>Training images per second (forward, backward and step, from cached maps).</summary>
    public double ImagesPerSecond { get; }

    /// <summary>Seconds spent computing (or reading from the cache) the frozen part's maps.</summary>
    public double MapSeconds { get; }

    /// <summary>Seconds spent training and verifying.</summary>
    public double TrainSeconds { get; }

    /// <summary>Validation loss of the frozen model (views averaged, as prediction does).</summary>
    public double FrozenValidationLoss { get; internal init; }

    /// <summary>Validation accuracy of the frozen model.</summary>
    public double FrozenValidationAccuracy { get; internal init; }

    /// <summary>Validation loss of the model returned.</summary>
    public double ValidationLoss { get; internal init; }

    /// <summary>Validation accuracy of the model returned.</summary>
    public double ValidationAccuracy { get; internal init; }

    /// <summary>Test metrics of the frozen model (null without test images).</summary>
    public Evaluation.ClassificationMetrics? FrozenTest { get; internal init; }

    /// <summary>Whether the fine-tuned model was kept: false when no epoch beat the frozen model on validation
    /// (lower loss, accuracy no lower), and the frozen model was returned.</summary>
    public bool Helped { get; internal init; }

    /// <summary>Largest difference between ONNX Runtime on the written-back backbone and the trained module on
    /// validation maps (relative above 1).</summary>
    public double VerifiedDifference { get; internal init; }
}
