using TransferLearning.ImageClassification.Evaluation;
using TransferLearning.ImageClassification.Head;
using TransferLearning.ImageClassification.Novelty;

namespace TransferLearning.ImageClassification.Tests.Novelty;

public class NoveltyDetectorTests
{
    /// <summary>Gaussian clusters around <paramref name="classes"/> random centres, <paramref name="perClass"/> each.</summary>
    private static LabeledFeatures Clusters(Random random, int classes, int perClass, int d, double spread = 1)
    {
        var centres = Enumerable.Range(0, classes).Select(_ => Enumerable.Range(0, d).Select(_ => random.NextDouble() * 10).ToArray()).ToArray();
        var features = new List<float[]>();
        var labels = new List<int>();
        for (var k = 0; k < classes; k++)
            for (var i = 0; i < perClass; i++)
            {
                // Correlated noise: each feature leans on the one before, so the covariance is not diagonal.
                var noise = Enumerable.Range(0, d).Select(_ => Gaussian(random) * spread).ToArray();
                for (var j = 1; j < d; j++) noise[j] += 0.6 * noise[j - 1];
                features.Add([.. centres[k].Select((c, j) => (float)(c + noise[j] * (1 + j % 3)))]);
                labels.Add(k);
            }
        return new LabeledFeatures(features, labels);
    }

    private static double Gaussian(Random random) =>
        Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());

    private static float[][] Views(LabeledFeatures set) => [.. set.Features];

    [Fact]
    public void Means_shrunk_covariance_and_distances_match_a_direct_computation()
    {
        var random = new Random(1);
        var (d, classes) = (6, 3);
        var training = Clusters(random, classes, perClass: 15, d);
        var probe = Enumerable.Range(0, d).Select(_ => (float)(random.NextDouble() * 12)).ToArray();

        var detector = NoveltyDetector.Fit(training, classes, Views(training), 0.95, NoveltySpace.Raw);

        // Straight from the definitions, in double: class means, pooled covariance around them, Ledoit–Wolf shrinkage
        // towards μI, its inverse by Gauss–Jordan, the smallest (x − μₖ)ᵀ Σ⁻¹ (x − μₖ).
        var n = training.Features.Count;
        var means = new double[classes, d];
        for (var k = 0; k < classes; k++)
        {
            var members = training.Features.Where((_, i) => training.Labels[i] == k).ToArray();
            for (var j = 0; j < d; j++) means[k, j] = members.Average(f => (double)f[j]);
        }
        var residuals = training.Features.Select((f, i) => f.Select((v, j) => v - means[training.Labels[i], j]).ToArray()).ToArray();
        var s = new double[d, d];
        for (var a = 0; a < d; a++)
            for (var b = 0; b < d; b++) s[a, b] = residuals.Sum(r => r[a] * r[b]) / n;
        var mu = Enumerable.Range(0, d).Sum(j => s[j, j]) / d;
        var frobenius = 0.0;
        foreach (var v in s) frobenius += v * v;
        var beta = (residuals.Sum(r => Math.Pow(r.Sum(v => v * v), 2)) / n - frobenius) / ((double)d * n);
        var delta = (frobenius - d * mu * mu) / d;
        var shrinkage = Math.Max(1e-3, Math.Min(beta, delta) / delta);
        var shrunk = new double[d, d];
        for (var a = 0; a < d; a++)
            for (var b = 0; b < d; b++) shrunk[a, b] = (1 - shrinkage) * s[a, b] + (a == b ? shrinkage * mu : 0);
        var precision = Invert(shrunk);
        var expected = Enumerable.Range(0, classes).Min(k =>
        {
            var x = Enumerable.Range(0, d).Select(j => probe[j] - means[k, j]).ToArray();
            return Enumerable.Range(0, d).Sum(a => Enumerable.Range(0, d).Sum(b => x[a] * precision[a, b] * x[b]));
        }) / d;

        Assert.InRange(shrinkage, 1e-3, 1);
        Assert.Equal(expected, detector.Score(probe), expected * 1e-4);
    }

    private static double[,] Invert(double[,] m)
    {
        var d = m.GetLength(0);
        var a = new double[d, 2 * d];
        for (var i = 0; i < d; i++)
        {
            for (var j = 0; j < d; j++) a[i, j] = m[i, j];
            a[i, d + i] = 1;
        }
        for (var c = 0; c < d; c++)
        {
            var pivot = a[c, c];
            for (var j = 0; j < 2 * d; j++) a[c, j] /= pivot;
            for (var r = 0; r < d; r++)
            {
                if (r == c) continue;
                var factor = a[r, c];
                for (var j = 0; j < 2 * d; j++) a[r, j] -= factor * a[c, j];
            }
        }
        var inverse = new double[d, d];
        for (var i = 0; i < d; i++)
            for (var j = 0; j < d; j++) inverse[i, j] = a[i, d + j];
        return inverse;
    }

    [Fact]
    public void The_cholesky_factor_and_its_inverse_reconstruct_the_matrix()
    {
        double[] a = [4, 2, 0.4, 2, 5, 1, 0.4, 1, 3];

        var c = MahalanobisFit.Cholesky(a, 3);
        var inverse = MahalanobisFit.InvertLower(c, 3);

        for (var i = 0; i < 3; i++)
            for (var j = 0; j < 3; j++)
            {
                Assert.Equal(a[i * 3 + j], Enumerable.Range(0, 3).Sum(k => c[i * 3 + k] * c[j * 3 + k]), 1e-12);
                Assert.Equal(i == j ? 1 : 0, Enumerable.Range(0, 3).Sum(k => inverse[i * 3 + k] * c[k * 3 + j]), 1e-12);
            }
    }

    [Theory]
    [InlineData(nameof(NoveltySpace.Raw))]
    [InlineData(nameof(NoveltySpace.Standardized))]
    [InlineData(nameof(NoveltySpace.Normalized))]
    public void Inputs_far_from_every_class_are_told_apart_almost_perfectly(string spaceName)
    {
        var space = Enum.Parse<NoveltySpace>(spaceName);
        var random = new Random(2);
        var training = Clusters(random, classes: 3, perClass: 60, d: 20);
        var familiar = Clusters(new Random(2), classes: 3, perClass: 60, d: 20);
        var far = Enumerable.Range(0, 60).Select(_ => Enumerable.Range(0, 20).Select(_ => (float)(random.NextDouble() * 40 - 15)).ToArray()).ToArray();
        var detector = NoveltyDetector.Fit(training, 3, Views(familiar), 0.95, space);

        var metrics = NoveltyEvaluator.Evaluate(
            [.. familiar.Features.Select(f => detector.Score(f))], [.. far.Select(f => detector.Score(f))], detector.Threshold);

        Assert.True(metrics.AreaUnderRocCurve > 0.99, $"AUROC {metrics.AreaUnderRocCurve}");
        Assert.True(metrics.UnfamiliarFlagged > 0.95, $"flagged {metrics.UnfamiliarFlagged}");
    }

    [Fact]
    public void Inputs_drawn_like_the_training_data_are_not_told_apart()
    {
        // One draw: the first 40 of each class train, the next 20 are "familiar", the last 20 "unfamiliar" — all alike.
        var all = Clusters(new Random(3), classes: 3, perClass: 80, d: 10);
        IReadOnlyList<int> Part(int from, int to) => [.. Enumerable.Range(0, 240).Where(i => i % 80 >= from && i % 80 < to)];
        var trainRows = Part(0, 40);
        var training = new LabeledFeatures([.. trainRows.Select(i => all.Features[i])], [.. trainRows.Select(i => all.Labels[i])]);
        var detector = NoveltyDetector.Fit(training, 3, [.. Part(40, 60).Select(i => all.Features[i])], 0.95);

        var metrics = NoveltyEvaluator.Evaluate(
            [.. Part(40, 60).Select(i => detector.Score(all.Features[i]))],
            [.. Part(60, 80).Select(i => detector.Score(all.Features[i]))]);

        Assert.InRange(metrics.AreaUnderRocCurve, 0.35, 0.65);
    }

    [Theory]
    [InlineData(0.95)]
    [InlineData(0.8)]
    [InlineData(1.0)]
    public void The_threshold_accepts_the_asked_share_of_the_calibration_images(double acceptance)
    {
        var random = new Random(5);
        var training = Clusters(random, 2, 50, 8);
        var validation = Clusters(random, 2, 100, 8);

        var detector = NoveltyDetector.Fit(training, 2, Views(validation), acceptance, NoveltySpace.Standardized);

        var accepted = validation.Features.Count(f => detector.Score(f) <= detector.Threshold);
        Assert.Equal((int)Math.Ceiling(acceptance * 200), accepted);
        Assert.Equal(acceptance, detector.Acceptance);
    }

    [Fact]
    public void Features_that_never_vary_and_fewer_examples_than_features_still_give_finite_scores()
    {
        var random = new Random(6);
        var features = Enumerable.Range(0, 12).Select(i => Enumerable.Range(0, 64).Select(j => j % 4 == 0 ? 0f : (float)random.NextDouble() * (1 + i % 2)).ToArray()).ToArray();
        var training = new LabeledFeatures(features, [.. Enumerable.Range(0, 12).Select(i => i % 2)]);

        foreach (var space in Enum.GetValues<NoveltySpace>())
        {
            var detector = NoveltyDetector.Fit(training, 2, features, 0.95, space);
            float[][] probes = [new float[64], Enumerable.Repeat(1e6f, 64).ToArray(), features[0], Enumerable.Repeat(float.MaxValue / 2, 64).ToArray()];
            Assert.All(probes, p => Assert.True(float.IsFinite(detector.Score(p)), $"{space}: {detector.Score(p)}"));
            Assert.True(float.IsFinite(detector.Threshold));
        }
    }

    [Fact]
    public void A_training_vector_that_is_not_finite_is_left_out_instead_of_spoiling_the_fit()
    {
        var random = new Random(9);
        var clean = Clusters(random, 2, 30, 6);
        var spoiled = new LabeledFeatures([.. clean.Features, Enumerable.Repeat(float.NaN, 6).ToArray(), Enumerable.Repeat(float.PositiveInfinity, 6).ToArray()], [.. clean.Labels, 0, 1]);

        var fromClean = NoveltyDetector.Fit(clean, 2, Views(clean), 0.95);
        var fromSpoiled = NoveltyDetector.Fit(spoiled, 2, Views(clean), 0.95);

        Assert.All(clean.Features, f => Assert.Equal(fromClean.Score(f), fromSpoiled.Score(f)));
    }

    [Fact]
    public void Two_views_at_the_largest_score_average_to_it_not_to_infinity()
    {
        var training = Clusters(new Random(10), 2, 20, 4);
        var detector = NoveltyDetector.Fit(training, 2, Views(training), 0.95, NoveltySpace.Raw);
        var huge = Enumerable.Repeat(float.MaxValue, 8).ToArray(); // two views of 4 features

        Assert.Equal(float.MaxValue, detector.ScoreMean(huge));
        Assert.True(float.IsFinite(detector.ScoreMean([.. Enumerable.Repeat(float.NaN, 4), .. training.Features[0]])));
    }

    [Fact]
    public void The_mean_over_views_is_the_mean_of_each_view_s_score()
    {
        var random = new Random(7);
        var training = Clusters(random, 2, 30, 5);
        var detector = NoveltyDetector.Fit(training, 2, Views(training), 0.95);
        var (a, b) = (training.Features[0], training.Features[40]);

        Assert.Equal((detector.Score(a) + detector.Score(b)) / 2, detector.ScoreMean([.. a, .. b]), 1e-5);
    }

    [Fact]
    public void Save_and_load_give_the_same_scores()
    {
        var random = new Random(8);
        var training = Clusters(random, 3, 20, 7);
        var detector = NoveltyDetector.Fit(training, 3, Views(training), 0.9, NoveltySpace.Normalized);
        using var stream = new MemoryStream();

        detector.Save(stream);
        stream.Position = 0;
        var loaded = NoveltyDetector.Load(stream, detector.Space, 7, 3, detector.Threshold, detector.Acceptance);

        Assert.Equal(NoveltyDetector.StoredBytes(7, 3), stream.Length);
        Assert.All(training.Features, f => Assert.Equal(detector.Score(f), loaded.Score(f)));
    }
}
