namespace TransferLearning.ImageClassification.Head.Optimizers;

/// <summary>Keras RMSprop: s = ρ·s + (1−ρ)·g²; p −= lr·g / (√s + ε).</summary>
internal sealed class RmsPropOptimizer(int parameterCount) : IOptimizer
{
    private const float Rho = 0.9f;
    private const float Epsilon = 1e-7f;
    private readonly float[] _meanSquare = new float[parameterCount];

    public void Step(Span<float> parameters, ReadOnlySpan<float> gradient, float learningRate)
    {
        for (var i = 0; i < parameters.Length; i++)
        {
            var g = gradient[i];
            var s = _meanSquare[i] = Rho * _meanSquare[i] + (1 - Rho) * g * g;
            parameters[i] -= learningRate * g / (MathF.Sqrt(s) + Epsilon);
        }
    }
}
