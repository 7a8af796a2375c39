namespace TransferLearning.ImageClassification.Head.Optimizers;

/// <summary>Updates parameters in place from their gradient; keeps its own state (moments) between steps.</summary>
internal interface IOptimizer
{
    void Step(Span<float> parameters, ReadOnlySpan<float> gradient);

    static IOptimizer Create(HeadOptions options, int parameterCount) => options.Optimizer switch
    {
        OptimizerKind.Sgd => new SgdOptimizer(options.LearningRate, options.Momentum, options.Nesterov, parameterCount),
        OptimizerKind.RmsProp => new RmsPropOptimizer(options.LearningRate, parameterCount),
        OptimizerKind.Adam => new AdamOptimizer(options.LearningRate, parameterCount),
        _ => throw new ArgumentOutOfRangeException(nameof(options), options.Optimizer, "Unknown optimizer."),
    };
}
