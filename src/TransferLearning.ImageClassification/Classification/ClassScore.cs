namespace TransferLearning.ImageClassification.Classification;

/// <summary>One class and its probability.</summary>
public sealed class ClassScore
{
    internal ClassScore(string label, float probability)
    {
        Label = label;
        Probability = probability;
    }

    /// <summary>Class name.</summary>
    public string Label { get; }

    /// <summary>Probability the classifier gives it.</summary>
    public float Probability { get; }
}
