using System.Numerics.Tensors;
using System.Runtime.InteropServices;
using TransferLearning.ImageClassification.Head;

namespace TransferLearning.ImageClassification.Novelty;

/// <summary>
/// How unfamiliar a feature vector is: its squared Mahalanobis distance to the nearest class mean under the shared,
/// shrunk covariance of the training features (<see cref="MahalanobisFit"/>), divided by the feature count so that
/// training images score about 1 whatever the backbone; by default on the vectors scaled to length 1
/// (<see cref="NoveltySpace"/>). Scoring is one triangular product and a distance per class
/// (a 512-feature backbone: 0.13 M multiply-adds, against ResNet18's 1.8 G). Immutable and thread-safe.
/// </summary>
internal sealed class NoveltyDetector
{
    private readonly float[] _whitening; // L, lower triangular, row-major D × D: z = L·x
    private readonly float[] _centres;   // L·μₖ for each class, K × D

    internal NoveltyDetector(NoveltySpace space, int featureSize, int classes, float[] whitening, float[] centres,
        float threshold, double acceptance)
    {
        if (whitening.Length != featureSize * featureSize || centres.Length != classes * featureSize)
            throw new ArgumentException("The whitening must be D × D and the centres K × D.");
        (Space, FeatureSize, ClassCount, _whitening, _centres) = (space, featureSize, classes, whitening, centres);
        (Threshold, Acceptance) = (threshold, acceptance);
    }

    public const string Method = "mahalanobis";

    /// <summary>The most features a detector is fitted for: the whitening is D × D (4,096 features: 34 MB in the model
    /// file, 0.5 GB while fitting). Wider features (an unpooled map) get no detector, and a model file claiming more
    /// is refused before anything is allocated.</summary>
    public const int MaxFeatures = 4096;

    public NoveltySpace Space { get; }

    public int FeatureSize { get; }

    public int ClassCount { get; }

    /// <summary>Scores above it are unfamiliar.</summary>
    public float Threshold { get; }

    /// <summary>The share of in-distribution validation images the threshold was chosen to accept.</summary>
    public double Acceptance { get; }

    public ReadOnlySpan<float> Whitening => _whitening;

    public ReadOnlySpan<float> Centres => _centres;

    /// <summary>Fits the detector on training features (every view an example, as the head trains) and sets the
    /// threshold at <paramref name="acceptance"/> of <paramref name="calibration"/>'s images (views back to back per
    /// image).</summary>
    public static NoveltyDetector Fit(LabeledFeatures training, int classes, IReadOnlyList<float[]> calibration,
        double acceptance, NoveltySpace space = NoveltySpace.Normalized)
    {
        var d = training.Features[0].Length;
        if (d > MaxFeatures)
            throw new ArgumentException($"{d} features is over the {MaxFeatures} a novelty detector is fitted for.");
        // A vector that is not finite (possible in shard files) would spoil the covariance for every other one.
        var finite = Enumerable.Range(0, training.Count).Where(i => training.Features[i].All(float.IsFinite)).ToArray();
        var (features, scale) = Prepare([.. finite.Select(i => training.Features[i])], space);
        var (whitening, means, _) = MahalanobisFit.Fit(features, [.. finite.Select(i => training.Labels[i])], classes);
        // Standardising x ↦ x/s before the fit is the same as using L·diag(1/s) on raw features: fold it in, so
        // scoring never standardises. The centres L·μₖ are the same either way.
        var folded = new float[d * d];
        var centres = new float[classes * d];
        for (var i = 0; i < d; i++)
        {
            for (var j = 0; j <= i; j++) folded[i * d + j] = (float)(whitening[i * d + j] / scale[j]);
            for (var k = 0; k < classes; k++)
                centres[k * d + i] = (float)TensorPrimitives.Dot(
                    whitening.AsSpan(i * d, i + 1), means.AsSpan(k * d, i + 1));
        }
        var unthresholded = new NoveltyDetector(space, d, classes, folded, centres, float.PositiveInfinity, acceptance);
        return unthresholded.WithThreshold(calibration, acceptance);
    }

    /// <summary>The same detector with the threshold that accepts <paramref name="acceptance"/> of
    /// <paramref name="images"/>.</summary>
    public NoveltyDetector WithThreshold(IReadOnlyList<float[]> images, double acceptance) =>
        new(Space, FeatureSize, ClassCount, _whitening, _centres,
            Accepting([.. images.Select(views => ScoreMean(views))], acceptance), acceptance);

    /// <summary>The smallest score at or below which <paramref name="share"/> of <paramref name="scores"/>
    /// lie.</summary>
    public static float Accepting(IReadOnlyList<float> scores, double share)
    {
        var sorted = scores.Order().ToArray();
        return sorted[Math.Clamp((int)Math.Ceiling(share * sorted.Length) - 1, 0, sorted.Length - 1)];
    }

    /// <summary>The mean score of an image's views laid back to back (the image, its mirror image), as its
    /// probabilities are averaged.</summary>
    public float ScoreMean(ReadOnlySpan<float> views)
    {
        var count = views.Length / FeatureSize;
        var sum = 0.0;
        for (var v = 0; v < count; v++) sum += Score(views.Slice(v * FeatureSize, FeatureSize));
        return (float)Math.Min(sum / count, float.MaxValue); // two views at the cap must not add up to infinity
    }

    /// <summary>min over classes of ‖L·x − L·μₖ‖², divided by the feature count.</summary>
    public float Score(ReadOnlySpan<float> features)
    {
        var d = FeatureSize;
        var z = new float[d];
        Whiten(_whitening, Unit(features, Space), z);
        var best = float.PositiveInfinity;
        var difference = new float[d];
        for (var k = 0; k < ClassCount; k++)
        {
            TensorPrimitives.Subtract(z, _centres.AsSpan(k * d, d), difference);
            best = MathF.Min(best, TensorPrimitives.Dot(difference, difference));
        }
        // Finite for any finite input: an overflowing distance is as unfamiliar as the largest float.
        return float.IsFinite(best) ? best / d : float.MaxValue;
    }

    /// <summary>Bytes <see cref="Save"/> writes: the lower triangle of L and the centres, float32 each.</summary>
    public static long StoredBytes(int featureSize, int classes) =>
        ((long)featureSize * (featureSize + 1) / 2 + (long)classes * featureSize) * sizeof(float);

    /// <summary>Writes the lower triangle of L row by row, then the centres, as little-endian float32.</summary>
    public void Save(Stream stream)
    {
        var d = FeatureSize;
        for (var i = 0; i < d; i++)
            stream.Write(MemoryMarshal.AsBytes(_whitening.AsSpan(i * d, i + 1)));
        stream.Write(MemoryMarshal.AsBytes(_centres.AsSpan()));
    }

    /// <summary>Reads what <see cref="Save"/> wrote; the caller has checked the entry holds
    /// <see cref="StoredBytes"/>.</summary>
    /// <exception cref="InvalidDataException">A stored number is not finite.</exception>
    public static NoveltyDetector Load(Stream stream, NoveltySpace space, int featureSize, int classes,
        float threshold, double acceptance)
    {
        var d = featureSize;
        var (whitening, centres) = (new float[d * d], new float[classes * d]);
        for (var i = 0; i < d; i++)
            stream.ReadExactly(MemoryMarshal.AsBytes(whitening.AsSpan(i * d, i + 1)));
        stream.ReadExactly(MemoryMarshal.AsBytes(centres.AsSpan()));
        if (!whitening.All(float.IsFinite) || !centres.All(float.IsFinite) || !float.IsFinite(threshold))
            throw new InvalidDataException("the novelty detector holds a number that is not finite");
        return new NoveltyDetector(space, d, classes, whitening, centres, threshold, acceptance);
    }

    private static void Whiten(ReadOnlySpan<float> lower, ReadOnlySpan<float> x, Span<float> z)
    {
        var d = x.Length;
        for (var i = 0; i < d; i++) z[i] = TensorPrimitives.Dot(lower.Slice(i * d, i + 1), x[..(i + 1)]);
    }

    /// <summary>For <see cref="NoveltySpace.Normalized"/>, the vector scaled to length 1 (a zero vector stays 0).
    /// </summary>
    private static ReadOnlySpan<float> Unit(ReadOnlySpan<float> features, NoveltySpace space)
    {
        if (space != NoveltySpace.Normalized) return features;
        var norm = TensorPrimitives.Norm(features);
        var unit = features.ToArray();
        if (norm > 0) TensorPrimitives.Divide(unit, norm, unit);
        return unit;
    }

    /// <summary>The features the fit sees, and the per-feature scale folded back in afterwards (1 but for
    /// <see cref="NoveltySpace.Standardized"/>).</summary>
    private static (IReadOnlyList<float[]> Features, double[] Scale) Prepare(
        IReadOnlyList<float[]> features, NoveltySpace space)
    {
        var d = features[0].Length;
        var ones = Enumerable.Repeat(1.0, d).ToArray();
        if (space == NoveltySpace.Normalized) return ([.. features.Select(f => Unit(f, space).ToArray())], ones);
        if (space == NoveltySpace.Raw) return (features, ones);
        var deviation = new double[d];
        for (var j = 0; j < d; j++)
        {
            var (sum, squares) = (0.0, 0.0);
            foreach (var f in features) (sum, squares) = (sum + f[j], squares + (double)f[j] * f[j]);
            var mean = sum / features.Count;
            deviation[j] = Math.Sqrt(Math.Max(0, squares / features.Count - mean * mean));
        }
        // A feature that never varies (a dead ReLU channel) keeps its scale: dividing by ~0 would blow it up.
        var floor = Math.Max(deviation.Average() * 1e-3, 1e-12);
        var scale = deviation.Select(s => s < floor ? 1 : s).ToArray();
        return ([.. features.Select(f => f.Select((v, j) => (float)(v / scale[j])).ToArray())], scale);
    }
}
