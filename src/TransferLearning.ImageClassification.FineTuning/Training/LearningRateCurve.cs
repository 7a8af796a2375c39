namespace TransferLearning.ImageClassification.FineTuning.Training;

/// <summary>The share of the peak learning rate at each step: a linear warm-up, then a cosine decay to zero. The
/// warm-up keeps the first steps on 13 M weights, whose frozen BatchNormalization statistics no longer match their
/// inputs once they move, from undoing what the head learned.</summary>
internal sealed record LearningRateCurve(int TotalSteps, int WarmupSteps)
{
    public static LearningRateCurve For(int totalSteps, double warmupShare) =>
        new(totalSteps, (int)Math.Round(totalSteps * warmupShare));

    public double At(int step) =>
        step < WarmupSteps ? (step + 1.0) / (WarmupSteps + 1.0)
        : 0.5 * (1 + Math.Cos(Math.PI * (step - WarmupSteps) / Math.Max(1, TotalSteps - WarmupSteps)));
}
