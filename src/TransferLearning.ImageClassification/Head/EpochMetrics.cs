namespace TransferLearning.ImageClassification.Head;

/// <summary>One line of the training history.</summary>
/// <param name="Epoch">1-based epoch number.</param>
/// <param name="TrainLoss">Mean cross-entropy over the epoch's mini-batches.</param>
/// <param name="TrainAccuracy">Accuracy over the epoch's mini-batches.</param>
/// <param name="ValidationLoss">Cross-entropy on the validation features after the epoch (null without validation data).</param>
/// <param name="ValidationAccuracy">Accuracy on the validation features after the epoch (null without validation data).</param>
/// <param name="LearningRate">The learning rate used during the epoch.</param>
public sealed record EpochMetrics(int Epoch, double TrainLoss, double TrainAccuracy, double? ValidationLoss, double? ValidationAccuracy, double LearningRate);
