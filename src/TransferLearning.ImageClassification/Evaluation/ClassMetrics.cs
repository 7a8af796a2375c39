namespace TransferLearning.ImageClassification.Evaluation;

/// <summary>Precision, recall and F1 of one class.</summary>
public sealed class ClassMetrics
{
    internal ClassMetrics(string label, double precision, double recall, double f1, int support)
    {
        Label = label;
        Precision = precision;
        Recall = recall;
        F1 = f1;
        Support = support;
    }

    /// <summary>Class name.</summary>
    public string Label { get; }

    /// <summary>Of the examples predicted as this class, the share that are.</summary>
    public double Precision { get; }

    /// <summary>Of the examples of this class, the share predicted as it.</summary>
    public double Recall { get; }

    /// <summary>Harmonic mean of precision and recall (0 when both are 0).</summary>
    public double F1 { get; }

    /// <summary>Examples of this class.</summary>
    public int Support { get; }
}
