namespace TransferLearning.ImageClassification.Head.Optimizers;

/// <summary>Updates parameters in place from their gradient; keeps its own state (moments) between steps.</summary>
internal interface IOptimizer
{
    void Step(float[] parameters, float[] gradient, float learningRate);

    /// <summary>
    /// The update rule for a head of layer sizes <paramref name="sizes"/>. AdamW is Adam with a decoupled weight
    /// decay, which needs the sizes to tell the weights from the biases.
    /// </summary>
    static IOptimizer Create(HeadOptions options, int[] sizes)
    {
        var parameterCount = checked((int)DenseHead.ParameterCount(sizes));
        return options.Optimizer switch
        {
            OptimizerKind.Sgd => new SgdOptimizer(options.Momentum, options.Nesterov, parameterCount),
            OptimizerKind.RmsProp => new RmsPropOptimizer(parameterCount),
            OptimizerKind.Adam => new AdamOptimizer(sizes, weightDecay: 0),
            OptimizerKind.AdamW => new AdamOptimizer(sizes, options.WeightDecay),
            _ => throw new ArgumentOutOfRangeException(nameof(options), options.Optimizer, "Unknown optimizer."),
        };
    }

    /// <summary>
    /// Runs <paramref name="update"/> over [0, length) in vector-aligned ranges, one per core for large heads. Element
    /// updates are independent, so the split never changes a result.
    /// </summary>
    static void ForRanges(int length, Action<int, int> update)
    {
        const int chunk = 4096;
        MatrixProducts.InParallel(
            (length + chunk - 1) / chunk,
            8L * length,
            (first, last) => update(first * chunk, Math.Min(last * chunk, length)));
    }
}
