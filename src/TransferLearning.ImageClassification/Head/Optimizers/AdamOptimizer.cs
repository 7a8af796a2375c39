using System.Numerics;
using System.Numerics.Tensors;

namespace TransferLearning.ImageClassification.Head.Optimizers;

/// <summary>
/// Adam with bias correction (Kingma and Ba, 2015), Keras constants. With a <paramref name="weightDecay"/> above zero
/// it is AdamW (Loshchilov and Hutter, 2019): after each step the weights, not the biases, shrink by
/// <c>learning rate · weightDecay</c>, decoupled from the gradient.
/// </summary>
/// <param name="sizes">The head's layer sizes (features, hidden…, classes): where its weights and biases sit.</param>
/// <param name="weightDecay">AdamW's decoupled weight decay; 0 for plain Adam.</param>
internal sealed class AdamOptimizer(int[] sizes, float weightDecay) : IOptimizer
{
    private const float Beta1 = 0.9f;
    private const float Beta2 = 0.999f;
    private const float Epsilon = 1e-7f;
    private readonly float[] _first = new float[checked((int)DenseHead.ParameterCount(sizes))];
    private readonly float[] _second = new float[checked((int)DenseHead.ParameterCount(sizes))];
    private readonly (int Offset, int Length)[] _weights = WeightRanges(sizes).ToArray();
    private int _step;

    public void Step(float[] parameters, float[] gradient, float learningRate)
    {
        _step++;
        var correctedRate = learningRate * MathF.Sqrt(1 - MathF.Pow(Beta2, _step)) / (1 - MathF.Pow(Beta1, _step));
        IOptimizer.ForRanges(parameters.Length, (start, end) =>
        {
            Span<float> p = parameters.AsSpan(start, end - start), g = gradient.AsSpan(start, end - start);
            Span<float> m = _first.AsSpan(start, end - start), v = _second.AsSpan(start, end - start);
            var i = 0;
            for (; i + Vector<float>.Count <= p.Length; i += Vector<float>.Count)
            {
                var gi = new Vector<float>(g[i..]);
                var mi = Beta1 * new Vector<float>(m[i..]) + (1 - Beta1) * gi;
                var vi = Beta2 * new Vector<float>(v[i..]) + (1 - Beta2) * gi * gi;
                mi.CopyTo(m[i..]);
                vi.CopyTo(v[i..]);
                (new Vector<float>(p[i..]) - correctedRate * mi / (Vector.SquareRoot(vi) + new Vector<float>(Epsilon)))
                    .CopyTo(p[i..]);
            }
            for (; i < p.Length; i++)
            {
                var mi = m[i] = Beta1 * m[i] + (1 - Beta1) * g[i];
                var vi = v[i] = Beta2 * v[i] + (1 - Beta2) * g[i] * g[i];
                p[i] -= correctedRate * mi / (MathF.Sqrt(vi) + Epsilon);
            }
        });
        if (weightDecay > 0) DecayWeights(parameters, learningRate * weightDecay);
    }

    /// <summary>Shrinks the weights (not the biases) by <paramref name="fraction"/>: AdamW's decoupled decay.</summary>
    private void DecayWeights(float[] parameters, float fraction)
    {
        foreach (var (offset, length) in _weights)
        {
            var weights = parameters.AsSpan(offset, length);
            TensorPrimitives.Multiply(weights, 1 - fraction, weights);
        }
    }

    /// <summary>Where each layer's weight matrix sits in the flat parameter array (biases follow each).</summary>
    private static IEnumerable<(int Offset, int Length)> WeightRanges(int[] sizes)
    {
        var offset = 0;
        for (var layer = 0; layer < sizes.Length - 1; layer++)
        {
            yield return (offset, sizes[layer] * sizes[layer + 1]);
            offset += (sizes[layer] + 1) * sizes[layer + 1];
        }
    }
}
