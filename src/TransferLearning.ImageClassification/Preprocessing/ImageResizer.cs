using System.Buffers;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace TransferLearning.ImageClassification.Preprocessing;

/// <summary>
/// Antialiased bilinear resizing, computed exactly as ONNX <c>Resize(mode=linear, antialias=1,
/// coordinate_transformation_mode=half_pixel)</c> (exclude_outside=0) is in ONNX Runtime, so that the exported graph
/// and
/// the library give the same tensor: a triangle filter whose support widens by the downscale factor (PIL's and
/// torchvision's <c>antialias=True</c>), weights normalised per output pixel, borders replicated. Separable: the width
/// first, then the height; every output value is 0 plus its taps in increasing order, in float, as in ONNX Runtime.
/// Memory stays small whatever the shape (a 65,535-pixel strip included): input rows are read in
/// <see cref="SegmentPixels"/>-wide pieces and added into the output rows they feed, never held whole.
/// </summary>
internal static class ImageResizer
{
    private const int Channels = 4; // RGBA: one pixel is one Vector128<float>
    private const int RowsAtOnce = 4; // independent sums in flight: each tap's add waits on the last one otherwise
    private const int SegmentPixels = 4096; // input pixels of a row converted to floats at once (64 KB)

    /// <summary>
    /// Resizes 8-bit RGBA pixels (<paramref name="width"/> × <paramref name="height"/>, row-major) to float RGBA at
    /// <paramref name="size"/> in <paramref name="destination"/> (<c>size.Area × 4</c> floats), on the 0–255 scale.
    /// </summary>
    public static void Resize(ReadOnlySpan<byte> rgba, int width, int height, ImageSize size, Span<float> destination)
    {
        var (inLength, outLength) = ((long)width * Channels, size.Width * Channels);
        if (rgba.Length < inLength * height)
            throw new ArgumentException("Fewer pixels than the dimensions say.", nameof(rgba));
        if (destination.Length < size.Area * Channels)
            throw new ArgumentException("Destination too small.", nameof(destination));
        var horizontal = AxisWeights.For(width, size.Width);
        var vertical = AxisWeights.For(height, size.Height);
        var output = destination[..(size.Area * Channels)];
        output.Clear();
        var pieceLength = Math.Min(width, Math.Max(SegmentPixels, horizontal.Window)) * Channels;
        var piece = ArrayPool<float>.Shared.Rent(RowsAtOnce * pieceLength);
        var resized = ArrayPool<float>.Shared.Rent(RowsAtOnce * outLength);
        try
        {
            var firstOpen = 0; // the first output row whose window has not been passed yet
            for (var y = 0; y < height; y += RowsAtOnce)
            {
                var count = Math.Min(RowsAtOnce, height - y);
                var rows = resized.AsSpan(0, count * outLength);
                var source = rgba.Slice((int)(y * inLength), (int)(count * inLength));
                if (width == size.Width) ToFloats(source, rows);
                else AlongWidth(source, count, (int)inLength, rows, horizontal, piece.AsSpan(0, count * pieceLength));
                for (var r = 0; r < count; r++)
                {
                    var row = rows.Slice(r * outLength, outLength);
                    if (height == size.Height) row.CopyTo(output.Slice((y + r) * outLength, outLength));
                    else AddToOutputRows(row, y + r, output, vertical, ref firstOpen);
                }
            }
        }
        finally
        {
            ArrayPool<float>.Shared.Return(resized);
            ArrayPool<float>.Shared.Return(piece);
        }
    }

    /// <summary>
    /// <paramref name="count"/> rows along the width into <paramref name="target"/>, a piece of the input at a time:
    /// each piece covers whole windows of consecutive output pixels.
    /// </summary>
    private static void AlongWidth(
        ReadOnlySpan<byte> rows, int count, int inLength, Span<float> target, AxisWeights weights, Span<float> piece)
    {
        var (outputs, outLength) = (weights.Count.Length, target.Length / count);
        for (var x0 = 0; x0 < outputs;)
        {
            var low = weights.Start[x0];
            var x1 = x0 + 1;
            while (x1 < outputs && weights.End(x1) - low <= SegmentPixels) x1++;
            var span = (weights.End(x1 - 1) - low) * Channels;
            for (var r = 0; r < count; r++)
                ToFloats(rows.Slice(r * inLength + low * Channels, span), piece.Slice(r * span, span));
            if (count == RowsAtOnce) FourRows(piece, span, target, outLength, weights, x0, x1, low);
            else
                for (var r = 0; r < count; r++)
                    OneRow(piece.Slice(r * span, span), target.Slice(r * outLength, outLength), weights, x0, x1, low);
            x0 = x1;
        }
    }

    /// <summary>Adds input row <paramref name="y"/> (already resized along the width), weighted, to each output row
    /// whose window holds it.</summary>
    private static void AddToOutputRows(
        ReadOnlySpan<float> row, int y, Span<float> output, AxisWeights weights, ref int firstOpen)
    {
        var outLength = row.Length;
        while (firstOpen < weights.Count.Length && weights.End(firstOpen) <= y) firstOpen++;
        for (var o = firstOpen; o < weights.Count.Length && weights.Start[o] <= y; o++)
        {
            var weight = Unsafe.Add(ref weights.FirstTap(o), y - weights.Start[o]);
            ref var to = ref MemoryMarshal.GetReference(output.Slice(o * outLength, outLength));
            ref var from = ref MemoryMarshal.GetReference(row);
            var j = 0;
            for (; j <= outLength - Vector<float>.Count; j += Vector<float>.Count)
                (Vector.LoadUnsafe(ref to, (nuint)j) + Vector.LoadUnsafe(ref from, (nuint)j) * weight)
                    .StoreUnsafe(ref to, (nuint)j);
            for (; j < outLength; j++) Unsafe.Add(ref to, j) += Unsafe.Add(ref from, j) * weight;
        }
    }

    /// <summary>Bytes to floats, 16 at a time.</summary>
    private static void ToFloats(ReadOnlySpan<byte> bytes, Span<float> floats)
    {
        ref var from = ref MemoryMarshal.GetReference(bytes);
        ref var to = ref MemoryMarshal.GetReference(floats);
        var i = 0;
        for (; i <= bytes.Length - 16; i += 16)
        {
            var (low, high) = Vector128.Widen(Vector128.LoadUnsafe(ref from, (nuint)i));
            var (a, b) = Vector128.Widen(low);
            var (c, d) = Vector128.Widen(high);
            Vector128.ConvertToSingle(a).StoreUnsafe(ref to, (nuint)i);
            Vector128.ConvertToSingle(b).StoreUnsafe(ref to, (nuint)i + 4);
            Vector128.ConvertToSingle(c).StoreUnsafe(ref to, (nuint)i + 8);
            Vector128.ConvertToSingle(d).StoreUnsafe(ref to, (nuint)i + 12);
        }
        for (; i < bytes.Length; i++) Unsafe.Add(ref to, i) = Unsafe.Add(ref from, i);
    }

    /// <summary>
    /// Output pixels <paramref name="x0"/> to <paramref name="x1"/> of <see cref="RowsAtOnce"/> rows at once, each
    /// summed exactly as <see cref="OneRow"/> would; <paramref name="piece"/> starts at input pixel
    /// <paramref name="low"/>.
    /// </summary>
    private static void FourRows(ReadOnlySpan<float> piece, int stride, Span<float> target, int outLength,
        AxisWeights weights, int x0, int x1, int low)
    {
        ref var pixels = ref MemoryMarshal.GetReference(piece);
        ref var output = ref MemoryMarshal.GetReference(target);
        for (var x = x0; x < x1; x++)
        {
            ref var tap = ref weights.FirstTap(x);
            ref var first = ref Unsafe.Add(ref pixels, (weights.Start[x] - low) * Channels);
            var (sum0, sum1, sum2, sum3) = (
                Vector128<float>.Zero, Vector128<float>.Zero, Vector128<float>.Zero, Vector128<float>.Zero);
            for (var k = 0; k < weights.Count[x]; k++)
            {
                ref var at = ref Unsafe.Add(ref first, k * Channels);
                var w = Unsafe.Add(ref tap, k);
                sum0 += Vector128.LoadUnsafe(ref at) * w;
                sum1 += Vector128.LoadUnsafe(ref Unsafe.Add(ref at, stride)) * w;
                sum2 += Vector128.LoadUnsafe(ref Unsafe.Add(ref at, 2 * stride)) * w;
                sum3 += Vector128.LoadUnsafe(ref Unsafe.Add(ref at, 3 * stride)) * w;
            }
            ref var to = ref Unsafe.Add(ref output, x * Channels);
            sum0.StoreUnsafe(ref to);
            sum1.StoreUnsafe(ref Unsafe.Add(ref to, outLength));
            sum2.StoreUnsafe(ref Unsafe.Add(ref to, 2 * outLength));
            sum3.StoreUnsafe(ref Unsafe.Add(ref to, 3 * outLength));
        }
    }

    /// <summary>Output pixels <paramref name="x0"/> to <paramref name="x1"/> of one row: each the weighted sum of its
    /// window, four channels at once.</summary>
    private static void OneRow(
        ReadOnlySpan<float> piece, Span<float> target, AxisWeights weights, int x0, int x1, int low)
    {
        ref var pixels = ref MemoryMarshal.GetReference(piece);
        ref var output = ref MemoryMarshal.GetReference(target);
        for (var x = x0; x < x1; x++)
        {
            ref var tap = ref weights.FirstTap(x);
            ref var first = ref Unsafe.Add(ref pixels, (weights.Start[x] - low) * Channels);
            var sum = Vector128<float>.Zero;
            for (var k = 0; k < weights.Count[x]; k++)
                sum += Vector128.LoadUnsafe(ref Unsafe.Add(ref first, k * Channels)) * Unsafe.Add(ref tap, k);
            sum.StoreUnsafe(ref Unsafe.Add(ref output, x * Channels));
        }
    }

    /// <summary>For each output index along one axis: the first input index and the normalised weights of its
    /// window.</summary>
    private sealed class AxisWeights
    {
        private readonly float[] _weights;

        private AxisWeights(int outputs, int window)
        {
            (Window, _weights) = (window, new float[outputs * window]);
            (Start, Count) = (new int[outputs], new int[outputs]);
        }

        /// <summary>Most taps an output index has.</summary>
        public int Window { get; }

        public int[] Start { get; }

        public int[] Count { get; }

        /// <summary>One past the last input index of an output's window.</summary>
        public int End(int output) => Start[output] + Count[output];

        /// <summary>The first of the <see cref="Count"/>[<paramref name="output"/>] weights of an output
        /// index.</summary>
        public ref float FirstTap(int output) => ref _weights[output * Window];

        /// <summary>
        /// ONNX Runtime's <c>SetupUpsampleFilterAntiAlias</c> for the linear filter, operation for operation in float
        /// (so the weights, not only the formula, are the same): scale = out/in, centre = (i + 0.5) / scale, support
        /// max(1, in/out), weights outside the image added to the edge pixel, then divided by their total.
        /// </summary>
        public static AxisWeights For(int input, int output)
        {
            var rscale = (float)output / input;
            var scale = 1f / rscale;
            var support = scale >= 1f ? scale : 1f;
            var window = (int)MathF.Ceiling(support) * 2 + 1;
            var inverseScale = scale >= 1f ? 1f / scale : 1f;
            var result = new AxisWeights(output, window);
            Span<float> buffer = window <= 256 ? stackalloc float[window] : new float[window];
            for (var i = 0; i < output; i++)
            {
                var center = 0.5f + (scale == 1f ? i : (i + 0.5f) / rscale - 0.5f);
                var low = (long)MathF.Floor(center - support + 0.5f);
                var high = (long)MathF.Floor(center + support + 0.5f);
                high = low + Math.Clamp(high - low, 0, window);
                var (lowCut, highCut) = (Math.Clamp(low, 0, input), Math.Clamp(high, 0, input));
                var span = (int)(high - low);
                buffer.Clear();
                var total = 0f;
                for (var x = 0; x < span; x++)
                {
                    var w = Triangle((x + low - center + 0.5f) * inverseScale);
                    buffer[x] = w;
                    total += w;
                }
                if (lowCut < highCut)
                {
                    // Border pixels take the weight of the taps that fall outside the image (replicated edges).
                    var before = (int)Math.Clamp(-low, 0, span - 1);
                    for (var x = 0; x < before; x++) buffer[before] += buffer[x];
                    var after = (int)Math.Clamp(high - input, 0, span - 1);
                    for (var x = span - after; x < span; x++) buffer[span - after - 1] += buffer[x];
                    if ((before | after) > 0)
                        for (var x = 0; x < highCut - lowCut; x++) buffer[x] = buffer[x + before];
                }
                var inverseTotal = total == 0f ? 1f : 1f / total;
                result.Start[i] = (int)lowCut;
                result.Count[i] = (int)(highCut - lowCut);
                for (var x = 0; x < result.Count[i]; x++) result._weights[i * window + x] = buffer[x] * inverseTotal;
            }
            return result;
        }

        private static float Triangle(float x)
        {
            x = MathF.Abs(x);
            return x < 1f ? 1f - x : 0f;
        }
    }
}
