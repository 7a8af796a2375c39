namespace TransferLearning.ImageClassification.Head.Optimizers;

/// <summary>Updates parameters in place from their gradient; keeps its own state (moments) between steps.</summary>
internal interface IOptimizer
{
    void Step(float[] parameters, float[] gradient, float learningRate);

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
