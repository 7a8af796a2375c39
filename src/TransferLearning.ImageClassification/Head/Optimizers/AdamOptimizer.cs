using System.Numerics;

namespace TransferLearning.ImageClassification.Head.Optimizers;

/// <summary>Adam with bias correction (Kingma and Ba, 2015), Keras constants.</summary>
internal sealed class AdamOptimizer(int parameterCount) : IOptimizer
{
    private const float Beta1 = 0.9f;
    private const float Beta2 = 0.999f;
    private const float Epsilon = 1e-7f;
    private readonly float[] _first = new float[parameterCount];
    private readonly float[] _second = new float[parameterCount];
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
                (new Vector<float>(p[i..]) - correctedRate * mi / (Vector.SquareRoot(vi) + new Vector<float>(Epsilon))).CopyTo(p[i..]);
            }
            for (; i < p.Length; i++)
            {
                var mi = m[i] = Beta1 * m[i] + (1 - Beta1) * g[i];
                var vi = v[i] = Beta2 * v[i] + (1 - Beta2) * g[i] * g[i];
                p[i] -= correctedRate * mi / (MathF.Sqrt(vi) + Epsilon);
            }
        });
    }
}
