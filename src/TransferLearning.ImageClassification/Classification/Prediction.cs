namespace TransferLearning.ImageClassification.Classification;

/// <summary>What the classifier says about one image.</summary>
public sealed class Prediction
{
    internal Prediction(string label, float probability, IReadOnlyList<ClassScore> scores, float? novelty,
        float? noveltyThreshold)
    {
        Label = label;
        Probability = probability;
        Scores = scores;
        Novelty = novelty;
        NoveltyThreshold = noveltyThreshold;
    }

    /// <summary>The most probable class.</summary>
    public string Label { get; }

    /// <summary>Its probability.</summary>
    public float Probability { get; }

    /// <summary>Every class's probability, in class order.</summary>
    public IReadOnlyList<ClassScore> Scores { get; }

    /// <summary>
    /// How unlike the training images the image is: the squared Mahalanobis distance of its backbone features (scaled
    /// to length 1) to the nearest class, per feature (training images score about 1; higher is less familiar). Finite
    /// for any image. Null when the model has no novelty detector (saved before model format 5, or trained with
    /// <see cref="TransferClassifierBuilder.WithoutNovelty"/>).
    /// </summary>
    public float? Novelty { get; }

    /// <summary>The model's <see cref="TransferClassifier.NoveltyThreshold"/>: a <see cref="Novelty"/> above it is
    /// unfamiliar. Null without a detector.</summary>
    public float? NoveltyThreshold { get; }

    /// <summary>
    /// Whether <see cref="Novelty"/> is above <see cref="NoveltyThreshold"/>: the image looks like none of the classes,
    /// so <see cref="Label"/> is a guess however high its probability. Always false without a detector.
    /// </summary>
    public bool IsUnfamiliar => Novelty > NoveltyThreshold;

    /// <summary>The <paramref name="k"/> most probable classes, most probable first.</summary>
    public IReadOnlyList<ClassScore> Top(int k) => Scores.OrderByDescending(s => s.Probability).Take(k).ToArray();

    internal static Prediction From(
        float[] probabilities, IReadOnlyList<string> classes, float? novelty, float? threshold)
    {
        var scores = classes.Select((label, k) => new ClassScore(label, probabilities[k])).ToArray();
        var best = scores.MaxBy(s => s.Probability)!;
        return new Prediction(best.Label, best.Probability, scores, novelty, threshold);
    }
}
