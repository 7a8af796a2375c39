using TransferLearning.ImageClassification.Head;

namespace TransferLearning.ImageClassification.Tests.Head;

public class MatrixProductsTests
{
    // Sizes that fill the register blocks, leave remainders of every kind, and (80 × 2,048) take the large-batch order.
    public static TheoryData<int, int, int> Shapes => new() { { 7, 37, 29 }, { 32, 256, 2048 }, { 1, 5, 3 }, { 80, 12, 2048 }, { 9, 2, 64 } };

    [Theory]
    [MemberData(nameof(Shapes))]
    public void The_forward_product_is_inputs_times_transposed_weights(int m, int n, int k)
    {
        var (a, b) = (Random(m * k, 1), Random(n * k, 2));
        var c = new float[m * n];

        MatrixProducts.MultiplyTransposed(a, b, c, m, n, k);

        for (var i = 0; i < m; i++)
            for (var j = 0; j < n; j++)
                Assert.Equal(Enumerable.Range(0, k).Sum(p => (double)a[i * k + p] * b[j * k + p]), c[i * n + j], 1e-3 * Math.Sqrt(k));
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void The_gradient_product_is_deltas_transposed_times_inputs_plus_the_L2_term(int rows, int m, int n)
    {
        var (delta, input, weights) = (Random(rows * m, 3), Random(rows * n, 4), Random(m * n, 5));
        var c = new float[m * n];

        MatrixProducts.SumOfOuterProducts(delta, m, 1, input, c, rows, m, n, weights, 0.01f);

        for (var i = 0; i < m; i++)
            for (var j = 0; j < n; j++)
                Assert.Equal(Enumerable.Range(0, rows).Sum(r => (double)delta[r * m + i] * input[r * n + j]) + 0.01 * weights[i * n + j], c[i * n + j], 1e-3 * Math.Sqrt(rows));
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Blocking_never_changes_a_bit(int m, int n, int k)
    {
        // Row by row, every element goes through the remainder code; whole, most go through the register blocks and
        // are split over the cores. The sums must still be the same, bit for bit, or a seed would not reproduce.
        var (a, b, delta) = (Random(m * k, 6), Random(n * k, 7), Random(m * n, 8));
        var (whole, byRow) = (new float[m * n], new float[m * n]);
        var (gradient, gradientByRow) = (new float[n * k], new float[n * k]);

        MatrixProducts.MultiplyTransposed(a, b, whole, m, n, k);
        MatrixProducts.SumOfOuterProducts(delta, n, 1, a, gradient, m, n, k);
        for (var i = 0; i < m; i++)
            MatrixProducts.MultiplyTransposed(a.AsMemory(i * k, k), b, byRow.AsMemory(i * n, n), 1, n, k);
        for (var i = 0; i < n; i++)
            MatrixProducts.SumOfOuterProducts(delta.AsMemory(i), n, 1, a, gradientByRow.AsMemory(i * k, k), m, 1, k);

        Assert.Equal(byRow, whole);
        Assert.Equal(gradientByRow, gradient);
    }

    [Fact]
    public void Buffers_too_small_for_the_sizes_are_refused()
    {
        Assert.Throws<ArgumentException>(() => MatrixProducts.MultiplyTransposed(new float[10], new float[10], new float[4], 2, 2, 6));
        Assert.Throws<ArgumentException>(() => MatrixProducts.SumOfOuterProducts(new float[4], 2, 1, new float[6], new float[6], 2, 2, 3, new float[2], 0.1f));
    }

    private static float[] Random(int count, int seed)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, count).Select(_ => random.NextSingle() * 2 - 1).ToArray();
    }
}
