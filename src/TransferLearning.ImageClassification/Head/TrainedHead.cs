namespace TransferLearning.ImageClassification.Head;

/// <summary>What a <see cref="IHeadRecipe"/> produced.</summary>
public sealed class TrainedHead
{
    internal TrainedHead(IClassifierHead trained, IClassifierHead? initial, IReadOnlyList<EpochMetrics> history)
    {
        Trained = trained;
        Initial = initial;
        History = history;
    }

    /// <summary>The head to predict with.</summary>
    public IClassifierHead Trained { get; }

    /// <summary>The head before training (the article's "before training" model), when the recipe has one.</summary>
    public IClassifierHead? Initial { get; }

    /// <summary>Per-epoch metrics; empty for trainers that do not work in epochs.</summary>
    public IReadOnlyList<EpochMetrics> History { get; }
}
