using TransferLearning.ImageClassification.Head;

namespace TransferLearning.ImageClassification.Tests.Head;

public class SoftmaxTests
{
    public static TheoryData<float[]> Scores => new()
    {
        new[] { 1e4f, -1e4f, 0f },
        new[] { -1e4f, -1e4f + 1f, -1e4f },
        new[] { 100f, 90f, 1f },
        new[] { 3e38f, -3e38f },
        new[] { float.PositiveInfinity, 5f, float.PositiveInfinity },
        new[] { float.NaN, 2f, 1f },
        new[] { float.NaN, float.NaN, float.NegativeInfinity },
    };

    [Theory]
    [MemberData(nameof(Scores))]
    public void Probabilities_are_finite_and_sum_to_1_for_any_scores(float[] scores)
    {
        var probabilities = scores.ToArray();
        var logs = new float[scores.Length];

        Softmax.Apply(probabilities, logs);

        Assert.All(probabilities, p => Assert.InRange(p, 0f, 1f));
        Assert.Equal(1.0, probabilities.Sum(), 5);
        Assert.All(logs.Zip(probabilities).Where(l => l.Second > 1e-30f), l => Assert.Equal(MathF.Log(l.Second), l.First, 4));
        Assert.All(logs, l => Assert.False(float.IsNaN(l)));
    }

    [Fact]
    public void Large_scores_give_the_textbook_probabilities()
    {
        // TensorPrimitives.SoftMax gives NaN, NaN, 0 here: exp(100) overflows float.
        float[] probabilities = [100f, 90f, 1f];

        Softmax.Apply(probabilities);

        Assert.Equal(1 / (1 + Math.Exp(-10)), probabilities[0], 6);
        Assert.Equal(Math.Exp(-10) / (1 + Math.Exp(-10)), probabilities[1], 6);
        Assert.Equal(0f, probabilities[2], 6);
    }

    [Fact]
    public void Log_probabilities_stay_finite_where_a_probability_rounds_to_0()
    {
        float[] probabilities = [1e4f, -1e4f];
        var logs = new float[2];

        Softmax.Apply(probabilities, logs);

        Assert.Equal(0f, probabilities[1]);
        Assert.Equal(-2e4f, logs[1], 1);
    }

    [Fact]
    public void A_dense_head_with_huge_weights_still_gives_probabilities()
    {
        // Weights of ±1e6 on features of ±1e3: scores of ±1e9.
        var head = new DenseHead([2, 3], [1e6f, 1e6f, -1e6f, 0f, 5e5f, -5e5f, 0f, 0f, 0f]);

        var probabilities = head.Predict([1e3f, -1e3f]);

        Assert.All(probabilities, p => Assert.True(float.IsFinite(p)));
        Assert.Equal(1.0, probabilities.Sum(), 5);
        Assert.Equal(1f, probabilities[2]);
    }
}
