namespace TransferLearning.ImageClassification.Evaluation;

/// <summary>How well a classifier did on a labelled set.</summary>
/// <param name="Accuracy">Share of examples classified right (micro accuracy).</param>
/// <param name="MacroAccuracy">Mean over classes of each class's recall.</param>
/// <param name="LogLoss">Mean cross-entropy of the true class.</param>
/// <param name="TopKAccuracy">Share of examples whose true class is among the <paramref name="TopK"/> highest scores.</param>
/// <param name="TopK">The k of <paramref name="TopKAccuracy"/>.</param>
/// <param name="PerClass">Precision, recall and F1 per class.</param>
/// <param name="ConfusionMatrix">Counts, row = true class, column = predicted class, in class order.</param>
/// <param name="Count">Examples evaluated.</param>
/// <param name="Binary">AUC, F1, precision and recall when there are exactly two classes and both occur; otherwise null.</param>
public sealed record ClassificationMetrics(
    double Accuracy,
    double MacroAccuracy,
    double LogLoss,
    double TopKAccuracy,
    int TopK,
    IReadOnlyList<ClassMetrics> PerClass,
    IReadOnlyList<IReadOnlyList<int>> ConfusionMatrix,
    int Count,
    BinaryMetrics? Binary = null)
{
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
