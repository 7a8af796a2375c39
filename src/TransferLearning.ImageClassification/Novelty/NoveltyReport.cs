namespace TransferLearning.ImageClassification.Novelty;

/// <summary>The novelty detector a training run fitted: its threshold and how many familiar images it
/// accepts.</summary>
public sealed class NoveltyReport
{
    internal NoveltyReport(float threshold, double acceptance, double calibrationAcceptance, string calibratedOn,
        double? testAcceptance, double seconds)
    {
        Threshold = threshold;
        Acceptance = acceptance;
        CalibrationAcceptance = calibrationAcceptance;
        CalibratedOn = calibratedOn;
        TestAcceptance = testAcceptance;
        Seconds = seconds;
    }

    /// <summary>How the score is computed: "mahalanobis" (shared, shrunk covariance of the training features).</summary>
    public string Method => NoveltyDetector.Method;

    /// <summary>Scores above it are unfamiliar.</summary>
    public float Threshold { get; }

    /// <summary>The share of familiar images the threshold was asked to accept (<see cref="NoveltyOptions.Acceptance"/>).
    /// </summary>
    public double Acceptance { get; }

    /// <summary>The share it accepts of the images it was chosen on.</summary>
    public double CalibrationAcceptance { get; }

    /// <summary>"validation", or "training" when there were no validation images (then it accepts fewer unseen
    /// familiar images than asked: training images are closer to their own means).</summary>
    public string CalibratedOn { get; }

    /// <summary>The share of test images it accepts as familiar; null without test images.</summary>
    public double? TestAcceptance { get; }

    /// <summary>Seconds spent fitting and calibrating.</summary>
    public double Seconds { get; }
}
