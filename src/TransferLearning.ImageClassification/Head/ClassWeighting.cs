namespace TransferLearning.ImageClassification.Head;

/// <summary>How much each class's examples count in the training loss.</summary>
public abstract class ClassWeighting
{
    private protected ClassWeighting() { }

    /// <summary>Every example counts the same.</summary>
    public static ClassWeighting None { get; } = new Uniform();

    /// <summary>Weight <c>n / (classes · n_class)</c>: rare classes count as much in total as common ones
    /// (scikit-learn's "balanced").</summary>
    public static ClassWeighting Balanced { get; } = new InverseFrequency();

    /// <summary>One weight per class, in class order.</summary>
    public static ClassWeighting Explicit(params float[] weights) =>
        weights.Length > 0 && weights.All(w => w >= 0 && float.IsFinite(w))
            ? new Given([.. weights])
            : throw new ArgumentException("Class weights must be finite and non-negative.", nameof(weights));

    internal abstract float[] Resolve(IReadOnlyList<int> labels, int classCount);

    private sealed class Uniform : ClassWeighting
    {
        internal override float[] Resolve(IReadOnlyList<int> labels, int classCount) =>
            Enumerable.Repeat(1f, classCount).ToArray();
    }

    private sealed class InverseFrequency : ClassWeighting
    {
        internal override float[] Resolve(IReadOnlyList<int> labels, int classCount)
        {
            var counts = new int[classCount];
            foreach (var label in labels) counts[label]++;
            return counts.Select(c => c == 0 ? 0f : labels.Count / (float)(classCount * c)).ToArray();
        }
    }

    private sealed class Given(IReadOnlyList<float> Weights) : ClassWeighting
    {
        internal override float[] Resolve(IReadOnlyList<int> labels, int classCount) =>
            Weights.Count == classCount ? [.. Weights]
                : throw new ArgumentException($"{Weights.Count} class weights given for {classCount} classes.");
    }
}
