namespace TransferLearning.ImageClassification.Head.Optimizers;

/// <summary>Keras SGD: v = m·v − lr·g; p += v (Nesterov: p += m·v − lr·g).</summary>
internal sealed class SgdOptimizer(float momentum, bool nesterov, int parameterCount) : IOptimizer
{
    private readonly float[] _velocity = new float[parameterCount];

    public void Step(Span<float> parameters, ReadOnlySpan<float> gradient, float learningRate)
    {
        for (var i = 0; i < parameters.Length; i++)
        {
            var velocity = _velocity[i] = momentum * _velocity[i] - learningRate * gradient[i];
            parameters[i] += nesterov ? momentum * velocity - learningRate * gradient[i] : velocity;
        }
    }
}
