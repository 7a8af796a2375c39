namespace TransferLearning.ImageClassification.Evaluation;

/// <summary>Two-class metrics from ML.NET's binary evaluator, the second class being the positive one.</summary>
/// <param name="PositiveClass">Name of the positive class.</param>
/// <param name="Threshold">Probability of the positive class from which an example is called positive.</param>
/// <param name="Auc">Area under the ROC curve.</param>
/// <param name="AreaUnderPrecisionRecallCurve">Area under the precision-recall curve.</param>
/// <param name="F1">F1 of the positive class at the threshold.</param>
/// <param name="Precision">Precision of the positive class at the threshold.</param>
/// <param name="Recall">Recall of the positive class at the threshold.</param>
public sealed record BinaryMetrics(
    string PositiveClass, double Threshold, double Auc, double AreaUnderPrecisionRecallCurve, double F1, double Precision, double Recall);
