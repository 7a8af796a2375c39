namespace TransferLearning.ImageClassification.Classification;

/// <summary>One class and the probability the classifier gives it.</summary>
public sealed class ClassScore
{
    internal ClassScore(string label, float probability) => (Label, Probability) = (label, probability);

    /// <summary>Class name.</summary>
    public string Label { get; }

    /// <summary>Probability the classifier gives the class.</summary>
    public float Probability { get; }
}
