namespace TransferLearning.ImageClassification.Classification;

/// <summary>What the classifier says about one image.</summary>
public sealed class Prediction
{
    internal Prediction(string label, float probability, IReadOnlyList<ClassScore> scores)
    {
        Label = label;
        Probability = probability;
        Scores = scores;
    }

    /// <summary>The most probable class.</summary>
    public string Label { get; }

    /// <summary>Its probability.</summary>
    public float Probability { get; }

    /// <summary>Every class's probability, in class order.</summary>
    public IReadOnlyList<ClassScore> Scores { get; }

    /// <summary>The <paramref name="k"/> most probable classes, most probable first.</summary>
    public IReadOnlyList<ClassScore> Top(int k) => Scores.OrderByDescending(s => s.Probability).Take(k).ToArray();

    internal static Prediction From(float[] probabilities, IReadOnlyList<string> classes)
    {
        var scores = classes.Select((label, k) => new ClassScore(label, probabilities[k])).ToArray();
        var best = scores.MaxBy(s => s.Probability)!;
        return new Prediction(best.Label, best.Probability, scores);
    }
}
