namespace TransferLearning.ImageClassification.Training;

/// <summary>The untrained head's test accuracy and loss.</summary>
public sealed class InitialMetrics
{
    internal InitialMetrics(double accuracy, double logLoss)
    {
        Accuracy = accuracy;
        LogLoss = logLoss;
    }

    /// <summary>Share right.</summary>
    public double Accuracy { get; }

    /// <summary>Mean cross-entropy.</summary>
    public double LogLoss { get; }
}
