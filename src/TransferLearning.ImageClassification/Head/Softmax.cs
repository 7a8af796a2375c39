using System.Numerics.Tensors;

namespace TransferLearning.ImageClassification.Head;

/// <summary>
/// Softmax and log-softmax that stay finite for any scores: the largest score is subtracted first (so exp never
/// overflows; <c>TensorPrimitives.SoftMax</c> does not do this and gives NaN above about 88), and scores that are
/// not numbers carry no evidence. The probabilities are finite, non-negative and sum to 1 whatever comes in.
/// </summary>
internal static class Softmax
{
    /// <summary>
    /// Turns the scores in <paramref name="values"/> into probabilities in place and, when
    /// <paramref name="logProbabilities"/> is not empty, writes their logarithms there (finite when the scores are).
    /// </summary>
    public static void Apply(Span<float> values, Span<float> logProbabilities = default)
    {
        var max = float.NegativeInfinity;
        foreach (var v in values)
            if (v > max) max = v; // NaN compares false: skipped
        if (!float.IsFinite(max))
        {
            NonFinite(values, logProbabilities, max);
            return;
        }
        TensorPrimitives.Subtract(values, max, values);
        foreach (ref var v in values)
            if (float.IsNaN(v)) v = float.NegativeInfinity;
        if (!logProbabilities.IsEmpty) values.CopyTo(logProbabilities);
        TensorPrimitives.Exp(values, values);
        var sum = TensorPrimitives.Sum(values); // ≥ 1: the largest contributes exp(0)
        TensorPrimitives.Divide(values, sum, values);
        if (!logProbabilities.IsEmpty) TensorPrimitives.Subtract(logProbabilities, MathF.Log(sum), logProbabilities);
    }

    /// <summary>+∞ scores share the probability; with none (all −∞ or NaN) it is uniform.</summary>
    private static void NonFinite(Span<float> values, Span<float> logProbabilities, float max)
    {
        var infinite = max == float.PositiveInfinity;
        var winners = infinite ? values.Count(float.PositiveInfinity) : values.Length;
        foreach (ref var v in values) v = !infinite || v == max ? 1f / winners : 0f;
        for (var k = 0; k < logProbabilities.Length; k++) logProbabilities[k] = MathF.Log(values[k]);
    }
}
