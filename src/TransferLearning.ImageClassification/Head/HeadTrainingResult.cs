namespace TransferLearning.ImageClassification.Head;

/// <summary>What training a head produced.</summary>
/// <param name="Initial">The head before the first step (the article's "before training" model).</param>
/// <param name="Trained">The trained head (the best validation epoch's weights when early stopping is on).</param>
/// <param name="History">One entry per epoch run.</param>
/// <param name="BestEpoch">The epoch whose weights <see cref="Trained"/> holds.</param>
internal sealed record HeadTrainingResult(
    DenseHead Initial, DenseHead Trained, IReadOnlyList<EpochMetrics> History, int BestEpoch);
