namespace TransferLearning.ImageClassification.Head;

/// <summary>Feature vectors with their class indices.</summary>
/// <param name="features">One vector per example, all the same length.</param>
/// <param name="labels">Class index of each example.</param>
public sealed class LabeledFeatures(IReadOnlyList<float[]> features, IReadOnlyList<int> labels)
{
    /// <summary>One vector per example, all the same length.</summary>
    public IReadOnlyList<float[]> Features { get; } = features;

    /// <summary>Class index of each example.</summary>
    public IReadOnlyList<int> Labels { get; } = labels;

    /// <summary>Number of examples.</summary>
    internal int Count => Labels.Count;
}
