namespace TransferLearning.ImageClassification.Classification;

/// <summary>One class and its probability.</summary>
/// <param name="Label">Class name.</param>
/// <param name="Probability">Probability the classifier gives it.</param>
public sealed record ClassScore(string Label, float Probability);

/// <summary>What the classifier says about one image.</summary>
/// <param name="Label">The most probable class.</param>
/// <param name="Probability">Its probability.</param>
/// <param name="Scores">Every class's probability, in class order.</param>
public sealed record Prediction(string Label, float Probability, IReadOnlyList<ClassScore> Scores)
{
    /// <summary>The <paramref name="k"/> most probable classes, most probable first.</summary>
    public IReadOnlyList<ClassScore> Top(int k) => Scores.OrderByDescending(s => s.Probability).Take(k).ToArray();

    internal static Prediction From(float[] probabilities, IReadOnlyList<string> classes)
    {
        var scores = classes.Select((label, k) => new ClassScore(label, probabilities[k])).ToArray();
        var best = scores.MaxBy(s => s.Probability)!;
        return new Prediction(best.Label, best.Probability, scores);
    }
}
