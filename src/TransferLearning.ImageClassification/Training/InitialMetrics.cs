namespace TransferLearning.ImageClassification.Training;

/// <summary>The untrained head's test accuracy and loss.</summary>
/// <param name="Accuracy">Share right.</param>
/// <param name="LogLoss">Mean cross-entropy.</param>
public sealed record InitialMetrics(double Accuracy, double LogLoss);
