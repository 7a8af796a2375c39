namespace TransferLearning.ImageClassification.Head;

/// <summary>Feature vectors with their class indices.</summary>
/// <param name="Features">One vector per example, all the same length.</param>
/// <param name="Labels">Class index of each example.</param>
public sealed record LabeledFeatures(IReadOnlyList<float[]> Features, IReadOnlyList<int> Labels)
{
    /// <summary>Number of examples.</summary>
    public int Count => Labels.Count;
}
