namespace TransferLearning.ImageClassification.Head;

/// <summary>
/// How a class's score moves with each pooled feature: the gradient of <c>z_target − mean z</c> (the class's logit
/// relative to the mean logit, which is all the softmax sees) with respect to the feature vector, at one point.
/// </summary>
internal static class ClassScoreGradient
{
    /// <exception cref="NotSupportedException">The head is neither a <see cref="DenseHead"/> nor a linear ML.NET
    /// head.</exception>
    public static float[] Of(IClassifierHead head, ReadOnlySpan<float> features, int target)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(target);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(target, head.ClassCount);
        return head switch
        {
            DenseHead dense => dense.ScoreGradient(features, target),
            MLNetHead mlnet when mlnet
                .LinearWeights() is { } weights => Centered(weights, head.ClassCount, head.FeatureSize, target),
            MLNetHead mlnet => throw new NotSupportedException(
                "Explain needs a dense head or a linear ML.NET head (the maximum-entropy trainers); this ML.NET " +
                $"head is a {Describe(mlnet)}."),
            _ => throw new NotSupportedException(
                $"Explain needs a dense head or a linear ML.NET head; this head is a {head.GetType().Name}."),
        };
    }

    /// <summary>Row <paramref name="target"/> of a linear model's weights minus the mean row.</summary>
    private static float[] Centered(float[] weights, int classes, int features, int target)
    {
        var gradient = new float[features];
        for (var k = 0; k < features; k++)
        {
            var mean = 0f;
            for (var c = 0; c < classes; c++) mean += weights[c * features + k];
            gradient[k] = weights[target * features + k] - mean / classes;
        }
        return gradient;
    }

    private static string Describe(MLNetHead head) =>
        head.Model is IEnumerable<Microsoft.ML.ITransformer> chain ? chain.Last().GetType().Name
            : head.Model.GetType().Name;
}
