namespace TransferLearning.ImageClassification.Evaluation;

/// <summary>Images of one class that the classifier took for another.</summary>
public sealed class ConfusedPair
{
    internal ConfusedPair(string actual, string predicted, int count) =>
        (Actual, Predicted, Count) = (actual, predicted, count);

    /// <summary>The true class.</summary>
    public string Actual { get; }

    /// <summary>The class predicted instead.</summary>
    public string Predicted { get; }

    /// <summary>How many images.</summary>
    public int Count { get; }
}
