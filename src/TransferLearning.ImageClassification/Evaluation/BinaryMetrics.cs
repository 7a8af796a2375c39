namespace TransferLearning.ImageClassification.Evaluation;

/// <summary>Two-class metrics from ML.NET's binary evaluator, the second class being the positive one.</summary>
public sealed class BinaryMetrics
{
    internal BinaryMetrics(
        string positiveClass,
        double threshold,
        double auc,
        double areaUnderPrecisionRecallCurve,
        double f1,
        double precision,
        double recall)
    {
        PositiveClass = positiveClass;
        Threshold = threshold;
        AreaUnderRocCurve = auc;
        AreaUnderPrecisionRecallCurve = areaUnderPrecisionRecallCurve;
        F1 = f1;
        Precision = precision;
        Recall = recall;
    }

    /// <summary>Name of the positive class.</summary>
    public string PositiveClass { get; }

    /// <summary>Probability of the positive class from which an example is called positive.</summary>
    public double Threshold { get; }

    /// <summary>Area under the ROC curve (ML.NET's <c>AreaUnderRocCurve</c>).</summary>
    public double AreaUnderRocCurve { get; }

    /// <summary>Area under the precision-recall curve.</summary>
    public double AreaUnderPrecisionRecallCurve { get; }

    /// <summary>F1 of the positive class at the threshold.</summary>
    public double F1 { get; }

    /// <summary>Precision of the positive class at the threshold.</summary>
    public double Precision { get; }

    /// <summary>Recall of the positive class at the threshold.</summary>
    public double Recall { get; }
}
