namespace TransferLearning.ImageClassification.Head;

/// <summary>One line of the training history.</summary>
public sealed class EpochMetrics
{
    internal EpochMetrics(
        int epoch,
        double trainLoss,
        double trainAccuracy,
        double? validationLoss,
        double? validationAccuracy,
        double learningRate)
    {
        Epoch = epoch;
        TrainLoss = trainLoss;
        TrainAccuracy = trainAccuracy;
        ValidationLoss = validationLoss;
        ValidationAccuracy = validationAccuracy;
        LearningRate = learningRate;
    }

    /// <summary>1-based epoch number.</summary>
    public int Epoch { get; }

    /// <summary>Mean cross-entropy over the epoch's mini-batches.</summary>
    public double TrainLoss { get; }

    /// <summary>Accuracy over the epoch's mini-batches.</summary>
    public double TrainAccuracy { get; }

    /// <summary>Cross-entropy on the validation features after the epoch (null without validation data).</summary>
    public double? ValidationLoss { get; }

    /// <summary>Accuracy on the validation features after the epoch (null without validation data).</summary>
    public double? ValidationAccuracy { get; }

    /// <summary>The learning rate used during the epoch.</summary>
    public double LearningRate { get; }

    /// <summary>"head" for the head's epochs on frozen features, "fine-tuning" for epochs that trained the backbone
    /// too (they continue the numbering).</summary>
    public string Phase { get; internal init; } = HeadPhase;

    /// <summary>The <see cref="Phase"/> of the head's epochs on frozen features.</summary>
    public const string HeadPhase = "head";

    /// <summary>The <see cref="Phase"/> of epochs that trained the backbone too.</summary>
    public const string FineTuningPhase = "fine-tuning";

    /// <summary>One line for logs, e.g. <c>epoch 3: loss 0.412 acc 0.861 | val loss 0.398 acc 0.870 | lr
    /// 0.0001</c>.</summary>
    public override string ToString() =>
        (Phase == HeadPhase ? "" : Phase + " ") + FormattableString.Invariant($"epoch {Epoch}: loss {TrainLoss:F3} acc {TrainAccuracy:F3}")
        + (ValidationLoss is { } loss
            ? FormattableString.Invariant($" | val loss {loss:F3} acc {ValidationAccuracy:F3}") : "")
        + FormattableString.Invariant($" | lr {LearningRate:G4}");
}
