namespace TransferLearning.ImageClassification.Head.Optimizers;

/// <summary>Updates parameters in place from their gradient; keeps its own state (moments) between steps.</summary>
internal interface IOptimizer
{
    void Step(Span<float> parameters, ReadOnlySpan<float> gradient, float learningRate);

    /// <summary>The update rule; AdamW's decoupled decay is applied by the trainer, which knows weights from biases.</summary>
    static IOptimizer Create(HeadOptions options, int parameterCount) => options.Optimizer switch
    {
        OptimizerKind.Sgd => new SgdOptimizer(options.Momentum, options.Nesterov, parameterCount),
        OptimizerKind.RmsProp => new RmsPropOptimizer(parameterCount),
        OptimizerKind.Adam or OptimizerKind.AdamW => new AdamOptimizer(parameterCount),
        _ => throw new ArgumentOutOfRangeException(nameof(options), options.Optimizer, "Unknown optimizer."),
    };
}
