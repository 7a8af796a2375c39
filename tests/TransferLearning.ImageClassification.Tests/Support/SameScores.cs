using TransferLearning.ImageClassification.Classification;

namespace TransferLearning.ImageClassification.Tests.Support;

/// <summary>
/// Class scores are results without value equality; two predictions "give the same probabilities" when every label
/// and probability is the same, bit for bit.
/// </summary>
internal static class SameScores
{
    public static (string Label, float Probability)[] Values(this IEnumerable<ClassScore> scores) =>
        [.. scores.Select(s => (s.Label, s.Probability))];

    public static void Equal(IEnumerable<ClassScore> expected, IEnumerable<ClassScore> actual) =>
        Assert.Equal(expected.Values(), actual.Values());
}
