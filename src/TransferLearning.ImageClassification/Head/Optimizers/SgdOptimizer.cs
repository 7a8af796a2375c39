using System.Numerics;

namespace TransferLearning.ImageClassification.Head.Optimizers;

/// <summary>Keras SGD: v = m·v − lr·g; p += v (Nesterov: p += m·v − lr·g).</summary>
internal sealed class SgdOptimizer(float momentum, bool nesterov, int parameterCount) : IOptimizer
{
    private readonly float[] _velocity = new float[parameterCount];

    public void Step(float[] parameters, float[] gradient, float learningRate)
    {
        IOptimizer.ForRanges(parameters.Length, (start, end) =>
        {
            Span<float> p = parameters.AsSpan(start, end - start), g = gradient.AsSpan(start, end - start),
            v = _velocity.AsSpan(start, end - start);
            var i = 0;
            for (; i + Vector<float>.Count <= p.Length; i += Vector<float>.Count)
            {
                var gi = new Vector<float>(g[i..]);
                var vi = momentum * new Vector<float>(v[i..]) - learningRate * gi;
                vi.CopyTo(v[i..]);
                (new Vector<float>(p[i..]) + (nesterov ? momentum * vi - learningRate * gi : vi)).CopyTo(p[i..]);
            }
            for (; i < p.Length; i++)
            {
                var vi = v[i] = momentum * v[i] - learningRate * g[i];
                p[i] += nesterov ? momentum * vi - learningRate * g[i] : vi;
            }
        });
    }
}
