using System.Numerics;
using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace TransferLearning.ImageClassification.Head;

/// <summary>
/// The two matrix products a dense head's mini-batch needs, blocked in registers, vectorised, and split over the cores.
/// Every output element is summed in one fixed order whatever the blocking or the number of threads, so training is
/// bit-reproducible for a seed on a given machine.
/// </summary>
internal static class MatrixProducts
{
    private static readonly int Width = Vector<float>.Count;

    // Below this many multiply-adds a product stays on the calling thread: waking another core costs more than it
    // saves.
    private const long ParallelWork = 1 << 18;

    // What a core's L2 holds of one operand with room to spare (L2 is 1–2 MiB per core on current x64 servers).
    private const long CacheResidentBytes = 512 * 1024;

    // Rows of b per pass of SumOfOuterProducts: 64 rows of 2,048 features are CacheResidentBytes.
    private const int RowChunk = 64;

    /// <summary>
    /// c[i, j] = Σₖ a[i, k] · b[j, k], all row-major: a is m × k (a batch of inputs), b is n × k (a layer's
    /// weights,
    /// [out, in]), c is m × n. Each element is one dot product: a vector accumulator over k, summed, then the tail.
    /// </summary>
    public static void MultiplyTransposed(
        ReadOnlyMemory<float> a, ReadOnlyMemory<float> b, Memory<float> c, int m, int n, int k)
    {
        Check(a.Length >= m * k && b.Length >= n * k && c.Length >= m * n);
        // Four b rows (weights) per task stay in L1 while a chunk of a's rows small enough for L2 streams past them;
        // each core reads its own share of the weights once per chunk.
        var chunk = (int)Math.Clamp(CacheResidentBytes / (k * sizeof(float)) / 3 * 3, 3, Math.Max(m, 3));
        InParallel((n + 3) / 4, (long)m * n * k, (first, last) =>
        {
            ReadOnlySpan<float> av = a.Span, bv = b.Span;
            var cv = c.Span;
            for (var rows = 0; rows < m; rows += chunk)
            {
                var rowEnd = Math.Min(rows + chunk, m);
                for (var j = first * 4; j < Math.Min(last * 4, n); j += 4)
                {
                    var width = Math.Min(4, n - j);
                    var i = rows;
                    for (; width == 4 && i + 3 <= rowEnd; i += 3) DotBlock3x4(av, bv, cv, i, j, n, k);
                    for (; i < rowEnd; i++)
                        for (var column = j; column < j + width; column++)
                            cv[i * n + column] = Dot(av.Slice(i * k, k), bv.Slice(column * k, k));
                }
            }
        });
    }

    /// <summary>
    /// c[i, j] = Σᵣ a(r, i) · b[r, j] with b row-major (rows × n) and a read through strides, a(r, i) =
    /// a[r·rowStride +
    /// i·columnStride], c is m × n. With a = deltas [batch, out] (strides out, 1) and b = inputs it is the weight
    /// gradient δᵀ·x; with strides (1, out) and b = weights it is the delta sent back, δ·W. Each element sums
    /// over r in
    /// order with fused multiply-adds. A non-zero <paramref name="plusScale"/> then adds plusScale · plus[i, j] (an L2
    /// term's λ·W) to each core's rows while they are still in its cache, instead of in another pass over memory.
    /// </summary>
    public static void SumOfOuterProducts(
        ReadOnlyMemory<float> a, int rowStride, int columnStride, ReadOnlyMemory<float> b, Memory<float> c, int rows,
        int m, int n,
        ReadOnlyMemory<float> plus = default, float plusScale = 0)
    {
        Check(c.Length >= m * n && b.Length >= rows * n && a.Length > (rows - 1) * rowStride + (m - 1) * columnStride
              && (plusScale == 0 || plus.Length >= m * n));
        InParallel((m + 3) / 4, (long)rows * m * n, (first, last) =>
        {
            ReadOnlySpan<float> av = a.Span, bv = b.Span;
            var cv = c.Span;
            var (start, end) = (first * 4, Math.Min(last * 4, m));
            var blocked = start + (end - start) / 4 * 4;
            var (wide, vectorEnd) = (n / (3 * Width) * 3 * Width, n / Width * Width);
            // r in chunks whose slice of b stays in L2 while every block of c's rows streams it; a block's sums carry
            // over from chunk to chunk through c, which continues each element's chain of multiply-adds exactly.
            for (var r = 0; r < rows; r += RowChunk)
            {
                var (from, to) = (r, Math.Min(r + RowChunk, rows));
                for (var i = start; i < blocked; i += 4)
                {
                    var j = 0;
                    for (; j < wide; j += 3 * Width)
                        OuterBlock4<ThreeVectors>(av, rowStride, columnStride, bv, cv, from, to, i, j, n);
                    for (; j < vectorEnd; j += Width)
                        OuterBlock4<OneVector>(av, rowStride, columnStride, bv, cv, from, to, i, j, n);
                }
            }
            for (var row = start; row < end; row++)
                for (var column = row < blocked ? vectorEnd : 0; column < n; column++)
                {
                    var sum = 0f;
                    for (var r = 0; r < rows; r++)
                        sum = MathF.FusedMultiplyAdd(av[r * rowStride + row * columnStride], bv[r * n + column], sum);
                    cv[row * n + column] = sum;
                }
            if (plusScale != 0) // while this core's rows are still in its cache
                TensorPrimitives.MultiplyAdd(plus.Span[(start * n)..(end * n)], plusScale, cv[(start * n)..(end * n)],
                    cv[(start * n)..(end * n)]);
        });
    }

    /// <summary>A dot product in the same order as <see cref="DotBlock3x4"/>'s.</summary>
    private static float Dot(ReadOnlySpan<float> x, ReadOnlySpan<float> y)
    {
        ref var xs = ref MemoryMarshal.GetReference(x);
        ref var ys = ref MemoryMarshal.GetReference(y);
        var acc = Vector<float>.Zero;
        var k = 0;
        for (; k + Width <= x.Length; k += Width)
            acc = Vector.FusedMultiplyAdd(
                Vector.LoadUnsafe(ref xs, (nuint)k), Vector.LoadUnsafe(ref ys, (nuint)k), acc);
        var sum = Vector.Sum(acc);
        for (; k < x.Length; k++) sum = MathF.FusedMultiplyAdd(x[k], y[k], sum);
        return sum;
    }

    /// <summary>Three rows of a against four rows of b: twelve accumulators, seven loads per twelve fused
    /// multiply-adds.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void DotBlock3x4(
        ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> c, int i, int j, int n, int k)
    {
        ref var a0 = ref Unsafe.AsRef(in a[i * k]);
        ref var a1 = ref Unsafe.Add(ref a0, k);
        ref var a2 = ref Unsafe.Add(ref a1, k);
        ref var b0 = ref Unsafe.AsRef(in b[j * k]);
        ref var b1 = ref Unsafe.Add(ref b0, k);
        ref var b2 = ref Unsafe.Add(ref b1, k);
        ref var b3 = ref Unsafe.Add(ref b2, k);
        Vector<float> c00 = default, c01 = default, c02 = default, c03 = default, c10 = default, c11 = default,
        c12 = default, c13 = default;
        Vector<float> c20 = default, c21 = default, c22 = default, c23 = default;
        var p = 0;
        for (; p + Width <= k; p += Width)
        {
            var at = (nuint)p;
            var (w0, w1, w2, w3) = (Vector.LoadUnsafe(ref b0, at), Vector.LoadUnsafe(ref b1, at),
                Vector.LoadUnsafe(ref b2, at), Vector.LoadUnsafe(ref b3, at));
            var x = Vector.LoadUnsafe(ref a0, at);
            (c00, c01, c02, c03) = (Vector.FusedMultiplyAdd(x, w0, c00), Vector.FusedMultiplyAdd(x, w1, c01),
                Vector.FusedMultiplyAdd(x, w2, c02), Vector.FusedMultiplyAdd(x, w3, c03));
            x = Vector.LoadUnsafe(ref a1, at);
            (c10, c11, c12, c13) = (Vector.FusedMultiplyAdd(x, w0, c10), Vector.FusedMultiplyAdd(x, w1, c11),
                Vector.FusedMultiplyAdd(x, w2, c12), Vector.FusedMultiplyAdd(x, w3, c13));
            x = Vector.LoadUnsafe(ref a2, at);
            (c20, c21, c22, c23) = (Vector.FusedMultiplyAdd(x, w0, c20), Vector.FusedMultiplyAdd(x, w1, c21),
                Vector.FusedMultiplyAdd(x, w2, c22), Vector.FusedMultiplyAdd(x, w3, c23));
        }
        Span<float> sums =
        [
            Vector.Sum(c00), Vector.Sum(c01), Vector.Sum(c02), Vector.Sum(c03),
            Vector.Sum(c10), Vector.Sum(c11), Vector.Sum(c12), Vector.Sum(c13),
            Vector.Sum(c20), Vector.Sum(c21), Vector.Sum(c22), Vector.Sum(c23),
        ];
        for (var row = 0; row < 3; row++)
            for (var column = 0; column < 4; column++)
            {
                var sum = sums[row * 4 + column];
                for (var q = p; q < k; q++)
                    sum = MathF.FusedMultiplyAdd(a[(i + row) * k + q], b[(j + column) * k + q], sum);
                c[(i + row) * n + j + column] = sum;
            }
    }

    /// <summary>
    /// Four output rows by <typeparamref name="TColumns"/> vectors of columns (three or one): per r, that many loads
    /// and four broadcasts feed up to twelve fused multiply-adds.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void OuterBlock4<TColumns>(
        ReadOnlySpan<float> a, int rowStride, int columnStride, ReadOnlySpan<float> b, Span<float> c, int from, int to,
        int i, int j, int n)
        where TColumns : IColumnCount
    {
        ref var bs = ref MemoryMarshal.GetReference(b);
        ref var a0 = ref Unsafe.Add(ref MemoryMarshal.GetReference(a), i * columnStride);
        ref var cs = ref MemoryMarshal.GetReference(c);
        Vector<float> c00 = default, c01 = default, c02 = default, c10 = default, c11 = default, c12 = default;
        Vector<float> c20 = default, c21 = default, c22 = default, c30 = default, c31 = default, c32 = default;
        if (from > 0)
        {
            (c00, c01, c02) = Load<TColumns>(ref cs, i * n + j);
            (c10, c11, c12) = Load<TColumns>(ref cs, (i + 1) * n + j);
            (c20, c21, c22) = Load<TColumns>(ref cs, (i + 2) * n + j);
            (c30, c31, c32) = Load<TColumns>(ref cs, (i + 3) * n + j);
        }
        for (var r = from; r < to; r++)
        {
            var at = (nuint)(r * n + j);
            ref var ar = ref Unsafe.Add(ref a0, r * rowStride);
            var x0 = Vector.LoadUnsafe(ref bs, at);
            var d0 = new Vector<float>(ar);
            var d1 = new Vector<float>(Unsafe.Add(ref ar, columnStride));
            var d2 = new Vector<float>(Unsafe.Add(ref ar, 2 * columnStride));
            var d3 = new Vector<float>(Unsafe.Add(ref ar, 3 * columnStride));
            c00 = Vector.FusedMultiplyAdd(d0, x0, c00);
            c10 = Vector.FusedMultiplyAdd(d1, x0, c10);
            c20 = Vector.FusedMultiplyAdd(d2, x0, c20);
            c30 = Vector.FusedMultiplyAdd(d3, x0, c30);
            if (TColumns.Count == 1) continue;
            var x1 = Vector.LoadUnsafe(ref bs, at + (nuint)Width);
            var x2 = Vector.LoadUnsafe(ref bs, at + (nuint)(2 * Width));
            c01 = Vector.FusedMultiplyAdd(d0, x1, c01);
            c11 = Vector.FusedMultiplyAdd(d1, x1, c11);
            c21 = Vector.FusedMultiplyAdd(d2, x1, c21);
            c31 = Vector.FusedMultiplyAdd(d3, x1, c31);
            c02 = Vector.FusedMultiplyAdd(d0, x2, c02);
            c12 = Vector.FusedMultiplyAdd(d1, x2, c12);
            c22 = Vector.FusedMultiplyAdd(d2, x2, c22);
            c32 = Vector.FusedMultiplyAdd(d3, x2, c32);
        }
        Store<TColumns>(ref cs, i * n + j, c00, c01, c02);
        Store<TColumns>(ref cs, (i + 1) * n + j, c10, c11, c12);
        Store<TColumns>(ref cs, (i + 2) * n + j, c20, c21, c22);
        Store<TColumns>(ref cs, (i + 3) * n + j, c30, c31, c32);
    }

    private static (Vector<float>, Vector<float>, Vector<float>) Load<TColumns>(ref float c, int at)
        where TColumns : IColumnCount =>
        TColumns.Count == 1
            ? (Vector.LoadUnsafe(ref c, (nuint)at), default, default)
            : (Vector.LoadUnsafe(ref c, (nuint)at), Vector.LoadUnsafe(ref c, (nuint)(at + Width)),
                Vector.LoadUnsafe(ref c, (nuint)(at + 2 * Width)));

    private static void Store<TColumns>(
        ref float c, int at, Vector<float> first, Vector<float> second, Vector<float> third)
        where TColumns : IColumnCount
    {
        first.StoreUnsafe(ref c, (nuint)at);
        if (TColumns.Count == 1) return;
        second.StoreUnsafe(ref c, (nuint)(at + Width));
        third.StoreUnsafe(ref c, (nuint)(at + 2 * Width));
    }

    // Column counts as types, so each block width compiles to its own straight-line kernel.
    private interface IColumnCount { static abstract int Count { get; } }
    private readonly struct OneVector : IColumnCount { public static int Count => 1; }
    private readonly struct ThreeVectors : IColumnCount { public static int Count => 3; }

    /// <summary>Runs <paramref name="body"/> over [0, tasks) in one contiguous range per core, or inline when the work
    /// is small.</summary>
    internal static void InParallel(int tasks, long work, Action<int, int> body)
    {
        var workers = work < ParallelWork ? 1 : Math.Min(Environment.ProcessorCount, tasks);
        if (workers <= 1)
        {
            body(0, tasks);
            return;
        }
        Parallel.For(0, workers, w => body((int)((long)tasks * w / workers), (int)((long)tasks * (w + 1) / workers)));
    }

    private static void Check(bool sizesFit)
    {
        // The kernels read without bounds checks; a wrong size must fail here, not read past an array.
        if (!sizesFit) throw new ArgumentException("Matrix sizes do not match their buffers.");
    }
}
