using TransferLearning.ImageClassification.Classification;

namespace TransferLearning.ImageClassification.Training;

/// <summary>A trained classifier and the report of how it was trained and how it scored.</summary>
public sealed class TrainingResult
{
    internal TrainingResult(TransferClassifier classifier, TrainingReport report)
    {
        Classifier = classifier;
        Report = report;
    }

    /// <summary>The classifier, ready to predict and save. Dispose it when done.</summary>
    public TransferClassifier Classifier { get; }

    /// <summary>Counts, metrics before and after training, history and timings.</summary>
    public TrainingReport Report { get; }
}
