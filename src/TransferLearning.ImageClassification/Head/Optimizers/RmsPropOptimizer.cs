using System.Numerics;

namespace TransferLearning.ImageClassification.Head.Optimizers;

/// <summary>Keras RMSprop: s = ρ·s + (1−ρ)·g²; p −= lr·g / (√s + ε).</summary>
internal sealed class RmsPropOptimizer(int parameterCount) : IOptimizer
{
    private const float Rho = 0.9f;
    private const float Epsilon = 1e-7f;
    private readonly float[] _meanSquare = new float[parameterCount];

    public void Step(float[] parameters, float[] gradient, float learningRate)
    {
        IOptimizer.ForRanges(parameters.Length, (start, end) =>
        {
            Span<float> p = parameters.AsSpan(start, end - start), g = gradient.AsSpan(start, end - start),
            s = _meanSquare.AsSpan(start, end - start);
            var i = 0;
            for (; i + Vector<float>.Count <= p.Length; i += Vector<float>.Count)
            {
                var gi = new Vector<float>(g[i..]);
                var si = Rho * new Vector<float>(s[i..]) + (1 - Rho) * gi * gi;
                si.CopyTo(s[i..]);
                (new Vector<float>(p[i..]) - learningRate * gi / (Vector.SquareRoot(si) + new Vector<float>(Epsilon)))
                    .CopyTo(p[i..]);
            }
            for (; i < p.Length; i++)
            {
                var si = s[i] = Rho * s[i] + (1 - Rho) * g[i] * g[i];
                p[i] -= learningRate * g[i] / (MathF.Sqrt(si) + Epsilon);
            }
        });
    }
}
