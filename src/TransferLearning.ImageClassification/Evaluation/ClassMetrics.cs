namespace TransferLearning.ImageClassification.Evaluation;

/// <summary>Precision, recall and F1 of one class.</summary>
/// <param name="Label">Class name.</param>
/// <param name="Precision">Of the examples predicted as this class, the share that are.</param>
/// <param name="Recall">Of the examples of this class, the share predicted as it.</param>
/// <param name="F1">Harmonic mean of precision and recall (0 when both are 0).</param>
/// <param name="Support">Examples of this class.</param>
public sealed record ClassMetrics(string Label, double Precision, double Recall, double F1, int Support);
