namespace TransferLearning.ImageClassification.Evaluation;

/// <summary>Images of one class that the classifier took for another.</summary>
/// <param name="Actual">The true class.</param>
/// <param name="Predicted">The class predicted instead.</param>
/// <param name="Count">How many images.</param>
public sealed record ConfusedPair(string Actual, string Predicted, int Count);
