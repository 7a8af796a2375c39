namespace TransferLearning.ImageClassification.Evaluation;

/// <summary>How well a classifier did on a labelled set.</summary>
public sealed class ClassificationMetrics
{
    internal ClassificationMetrics(
        double accuracy,
        double macroAccuracy,
        double logLoss,
        double topKAccuracy,
        int topK,
        IReadOnlyList<ClassMetrics> perClass,
        IReadOnlyList<IReadOnlyList<int>> confusionMatrix,
        int count,
        BinaryMetrics? binary = null)
    {
        Accuracy = accuracy;
        MacroAccuracy = macroAccuracy;
        LogLoss = logLoss;
        TopKAccuracy = topKAccuracy;
        TopK = topK;
        PerClass = perClass;
        ConfusionMatrix = confusionMatrix;
        Count = count;
        Binary = binary;
    }

    /// <summary>Share of examples classified right (micro accuracy).</summary>
    public double Accuracy { get; }

    /// <summary>Mean over classes of each class's recall.</summary>
    public double MacroAccuracy { get; }

    /// <summary>Mean cross-entropy of the true class.</summary>
    public double LogLoss { get; }

    /// <summary>Share of examples whose true class is among the <see cref="TopK"/> highest scores.</summary>
    public double TopKAccuracy { get; }

    /// <summary>The k of <see cref="TopKAccuracy"/>.</summary>
    public int TopK { get; }

    /// <summary>Precision, recall and F1 per class.</summary>
    public IReadOnlyList<ClassMetrics> PerClass { get; }

    /// <summary>Counts, row = true class, column = predicted class, in class order.</summary>
    public IReadOnlyList<IReadOnlyList<int>> ConfusionMatrix { get; }

    /// <summary>Examples evaluated.</summary>
    public int Count { get; }

    /// <summary>AUC, F1, precision and recall when there are exactly two classes and both occur; otherwise
    /// null.</summary>
    public BinaryMetrics? Binary { get; }

    /// <summary>
    /// The (true class, predicted class) pairs mistaken for each other, most often first (fastai's
    /// <c>most_confused</c>), read off <see cref="ConfusionMatrix"/>; part of the JSON report.
    /// </summary>
    public IReadOnlyList<ConfusedPair> MostConfused =>
    [
        .. from actual in Enumerable.Range(0, ConfusionMatrix.Count)
           from predicted in Enumerable.Range(0, ConfusionMatrix.Count)
           let count = ConfusionMatrix[actual][predicted]
           where actual != predicted && count > 0
           orderby count descending, actual, predicted
           select new ConfusedPair(PerClass[actual].Label, PerClass[predicted].Label, count),
    ];
}
