using TransferLearning.ImageClassification.Head;

namespace TransferLearning.ImageClassification.Novelty;

/// <summary>
/// Class-conditional Gaussians with one shared covariance (Lee et al., NeurIPS 2018), fitted on training features:
/// the class means, the covariance of each example around its class's mean, shrunk towards a multiple of the identity
/// by the Ledoit–Wolf rule (well conditioned even with fewer examples than features), and the inverse of its Cholesky
/// factor, so that a squared Mahalanobis distance is a squared Euclidean one after one triangular product.
/// </summary>
internal static class MahalanobisFit
{
    /// <summary>The least shrinkage used: keeps the factor well conditioned when Ledoit–Wolf finds none needed and some
    /// features never vary (a ReLU channel that is 0 on every image).</summary>
    internal const double MinShrinkage = 1e-3;

    /// <summary>The whitening <c>L = C⁻¹</c> (lower triangular, row-major D × D, C the Cholesky factor of the shrunk
    /// covariance), the class means (K × D) and the shrinkage used.</summary>
    public static (double[] Whitening, double[] Means, double Shrinkage) Fit(
        IReadOnlyList<float[]> features, IReadOnlyList<int> labels, int classes)
    {
        var (n, d) = (features.Count, features[0].Length);
        var means = ClassMeans(features, labels, classes, d);
        var residuals = new float[(long)n * d];
        for (var i = 0; i < n; i++)
            for (var j = 0; j < d; j++)
                residuals[(long)i * d + j] = (float)(features[i][j] - means[labels[i] * d + j]);
        var covariance = Covariance(residuals, n, d);
        // With no spread within the classes (one image each) the covariance is 0: measure plain distances then.
        var mu = Trace(covariance, d) / d is var mean and > 0 ? mean : 1;
        var shrinkage = Math.Max(MinShrinkage, LedoitWolf(covariance, residuals, n, d, mu));
        while (true)
        {
            try
            {
                return (InvertLower(Cholesky(Shrunk(covariance, d, shrinkage, mu), d), d), means, shrinkage);
            }
            catch (InvalidOperationException) when (shrinkage < 1)
            {
                shrinkage = Math.Min(1, shrinkage * 10); // rounding left it short of positive definite
            }
        }
    }

    /// <summary>(1 − s)·S + s·μ·I.</summary>
    private static double[] Shrunk(double[] covariance, int d, double shrinkage, double mu)
    {
        var shrunk = covariance.Select(v => v * (1 - shrinkage)).ToArray();
        for (var j = 0; j < d; j++) shrunk[j * d + j] += shrinkage * mu;
        return shrunk;
    }

    private static double[] ClassMeans(IReadOnlyList<float[]> features, IReadOnlyList<int> labels, int classes, int d)
    {
        var (sums, counts) = (new double[classes * d], new int[classes]);
        for (var i = 0; i < features.Count; i++)
        {
            counts[labels[i]]++;
            for (var j = 0; j < d; j++) sums[labels[i] * d + j] += features[i][j];
        }
        for (var k = 0; k < classes; k++)
            for (var j = 0; j < d; j++) sums[k * d + j] /= Math.Max(1, counts[k]);
        return sums;
    }

    /// <summary>S = RᵀR / n, with the head's blocked, parallel outer-product kernel.</summary>
    private static double[] Covariance(float[] residuals, int n, int d)
    {
        var sum = new float[d * d];
        MatrixProducts.SumOfOuterProducts(residuals, d, 1, residuals, sum, n, d, d);
        return [.. sum.Select(v => (double)v / n)];
    }

    /// <summary>
    /// The Ledoit–Wolf shrinkage intensity towards μI, μ = tr(S)/d (Ledoit and Wolf 2004; scikit-learn's
    /// <c>ledoit_wolf_shrinkage</c>): β = (Σᵢ‖rᵢ‖⁴/n − ‖S‖²) / (d·n), δ = (‖S‖² − d·μ²) / d, shrinkage min(β, δ)/δ.
    /// </summary>
    private static double LedoitWolf(double[] covariance, float[] residuals, int n, int d, double mu)
    {
        var frobenius = covariance.Sum(v => v * v);
        var fourth = 0.0;
        for (var i = 0; i < n; i++)
        {
            var norm = System.Numerics.Tensors.TensorPrimitives.Dot(
                residuals.AsSpan(i * d, d), residuals.AsSpan(i * d, d));
            fourth += (double)norm * norm;
        }
        var beta = (fourth / n - frobenius) / ((double)d * n);
        var delta = (frobenius - d * mu * mu) / d;
        return delta <= 0 ? 1 : Math.Clamp(Math.Min(beta, delta) / delta, 0, 1);
    }

    private static double Trace(double[] matrix, int d)
    {
        var trace = 0.0;
        for (var j = 0; j < d; j++) trace += matrix[j * d + j];
        return trace;
    }

    /// <summary>The lower-triangular C with C·Cᵀ = <paramref name="a"/> (symmetric positive definite).</summary>
    internal static double[] Cholesky(double[] a, int d)
    {
        var c = new double[d * d];
        for (var j = 0; j < d; j++)
        {
            var diagonal = a[j * d + j] - Dot(c, j * d, j * d, j);
            if (!(diagonal > 0))
                throw new InvalidOperationException($"The shrunk covariance is not positive definite at {j}.");
            c[j * d + j] = Math.Sqrt(diagonal);
            for (var i = j + 1; i < d; i++)
                c[i * d + j] = (a[i * d + j] - Dot(c, i * d, j * d, j)) / c[j * d + j];
        }
        return c;
    }

    /// <summary>The inverse of a lower-triangular matrix, itself lower triangular: forward substitution for each
    /// column of the identity, the columns kept as rows so that every sum runs over contiguous memory.</summary>
    internal static double[] InvertLower(double[] c, int d)
    {
        var columns = new double[d * d]; // columns[j * d + i] = inverse[i, j]
        Parallel.For(0, d, j =>
        {
            var column = columns.AsSpan(j * d, d);
            column[j] = 1 / c[j * d + j];
            for (var i = j + 1; i < d; i++)
                column[i] = -System.Numerics.Tensors.TensorPrimitives.Dot(
                    c.AsSpan(i * d + j, i - j), column[j..i]) / c[i * d + i];
        });
        var inverse = new double[d * d];
        for (var i = 0; i < d; i++)
            for (var j = 0; j <= i; j++) inverse[i * d + j] = columns[j * d + i];
        return inverse;
    }

    private static double Dot(double[] m, int rowA, int rowB, int length) =>
        System.Numerics.Tensors.TensorPrimitives.Dot(m.AsSpan(rowA, length), m.AsSpan(rowB, length));
}
