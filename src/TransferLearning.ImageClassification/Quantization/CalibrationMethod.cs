namespace TransferLearning.ImageClassification.Quantization;

/// <summary>How an activation's range is read off the calibration images.</summary>
public enum CalibrationMethod
{
    /// <summary>The smallest and largest value seen (ONNX Runtime's default).</summary>
    MinMax,

    /// <summary>The <see cref="QuantizationOptions.Percentile"/> and its mirror: a rare outlier no longer stretches the
    /// range.</summary>
    Percentile,
}
