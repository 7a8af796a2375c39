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

    public void Step(Span<float> parameters, ReadOnlySpan<float> gradient, float learningRate)
    {
        _step++;
        var correctedRate = learningRate * MathF.Sqrt(1 - MathF.Pow(Beta2, _step)) / (1 - MathF.Pow(Beta1, _step));
        for (var i = 0; i < parameters.Length; i++)
        {
            var g = gradient[i];
            var m = _first[i] = Beta1 * _first[i] + (1 - Beta1) * g;
            var v = _second[i] = Beta2 * _second[i] + (1 - Beta2) * g * g;
            parameters[i] -= correctedRate * m / (MathF.Sqrt(v) + Epsilon);
        }
    }
}
