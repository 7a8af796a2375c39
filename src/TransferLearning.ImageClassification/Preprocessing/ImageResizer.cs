using System.Buffers;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace TransferLearning.ImageClassification.Preprocessing;

/// <summary>
/// Antialiased bilinear resizing, computed exactly as ONNX <c>Resize(mode=linear, antialias=1,
/// coordinate_transformation_mode=half_pixel)</c> (exclude_outside=0) is in ONNX Runtime, so that the exported graph and
/// the library give the same tensor: a triangle filter whose support widens by the downscale factor (PIL's and
/// torchvision's <c>antialias=True</c>), weights normalised per output pixel, borders replicated. Separable: the width
/// first, then the height, accumulating taps in the same order and in float, as ONNX Runtime does.
/// </summary>
internal static class ImageResizer
{
    private const int Channels = 4; // RGBA: one pixel is one Vector128<float>
    private const int RowsAtOnce = 4; // independent sums in flight: each tap's add waits on the last one otherwise

    /// <summary>
    /// Resizes 8-bit RGBA pixels (<paramref name="width"/> × <paramref name="height"/>, row-major) to float RGBA at
    /// <paramref name="size"/> in <paramref name="destination"/> (<c>size.Area × 4</c> floats), on the 0–255 scale.
    /// </summary>
    public static void Resize(ReadOnlySpan<byte> rgba, int width, int height, ImageSize size, Span<float> destination)
    {
        if (rgba.Length < width * height * Channels) throw new ArgumentException("Fewer pixels than the dimensions say.", nameof(rgba));
        if (destination.Length < size.Area * Channels) throw new ArgumentException("Destination too small.", nameof(destination));
        var horizontal = AxisWeights.For(width, size.Width);
        var vertical = AxisWeights.For(height, size.Height);
        var (inLength, rowLength) = (width * Channels, size.Width * Channels);
        var temporary = ArrayPool<float>.Shared.Rent(height * rowLength);
        var rows = ArrayPool<float>.Shared.Rent(RowsAtOnce * inLength);
        try
        {
            for (var y = 0; y < height; y += RowsAtOnce)
            {
                var count = Math.Min(RowsAtOnce, height - y);
                var source = rows.AsSpan(0, count * inLength);
                ToFloats(rgba.Slice(y * inLength, count * inLength), source);
                var target = temporary.AsSpan(y * rowLength, count * rowLength);
                if (width == size.Width) source.CopyTo(target);
                else if (count == RowsAtOnce) ResizeRows(source, inLength, target, rowLength, horizontal);
                else
                    for (var r = 0; r < count; r++) ResizeRow(source.Slice(r * inLength, inLength), target.Slice(r * rowLength, rowLength), horizontal);
            }
            if (height == size.Height) temporary.AsSpan(0, size.Area * Channels).CopyTo(destination);
            else ResizeColumns(temporary, destination[..(size.Area * Channels)], rowLength, vertical);
        }
        finally
        {
            ArrayPool<float>.Shared.Return(rows);
            ArrayPool<float>.Shared.Return(temporary);
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

    /// <summary><see cref="RowsAtOnce"/> rows along the width at once, each summed exactly as <see cref="ResizeRow"/> would.</summary>
    private static void ResizeRows(ReadOnlySpan<float> source, int inLength, Span<float> target, int outLength, AxisWeights weights)
    {
        ref var pixels = ref MemoryMarshal.GetReference(source);
        ref var output = ref MemoryMarshal.GetReference(target);
        for (var x = 0; x < weights.Count.Length; x++)
        {
            ref var tap = ref weights.FirstTap(x);
            ref var first = ref Unsafe.Add(ref pixels, weights.Start[x] * Channels);
            var (sum0, sum1, sum2, sum3) = (Vector128<float>.Zero, Vector128<float>.Zero, Vector128<float>.Zero, Vector128<float>.Zero);
            for (var k = 0; k < weights.Count[x]; k++)
            {
                ref var at = ref Unsafe.Add(ref first, k * Channels);
                var w = Unsafe.Add(ref tap, k);
                sum0 += Vector128.LoadUnsafe(ref at) * w;
                sum1 += Vector128.LoadUnsafe(ref Unsafe.Add(ref at, inLength)) * w;
                sum2 += Vector128.LoadUnsafe(ref Unsafe.Add(ref at, 2 * inLength)) * w;
                sum3 += Vector128.LoadUnsafe(ref Unsafe.Add(ref at, 3 * inLength)) * w;
            }
            ref var to = ref Unsafe.Add(ref output, x * Channels);
            sum0.StoreUnsafe(ref to);
            sum1.StoreUnsafe(ref Unsafe.Add(ref to, outLength));
            sum2.StoreUnsafe(ref Unsafe.Add(ref to, 2 * outLength));
            sum3.StoreUnsafe(ref Unsafe.Add(ref to, 3 * outLength));
        }
    }

    /// <summary>One row along the width: each output pixel is the weighted sum of its window, four channels at once.</summary>
    private static void ResizeRow(ReadOnlySpan<float> source, Span<float> target, AxisWeights weights)
    {
        ref var pixels = ref MemoryMarshal.GetReference(source);
        ref var output = ref MemoryMarshal.GetReference(target);
        for (var x = 0; x < weights.Count.Length; x++)
        {
            ref var tap = ref weights.FirstTap(x);
            ref var first = ref Unsafe.Add(ref pixels, weights.Start[x] * Channels);
            var sum = Vector128<float>.Zero;
            for (var k = 0; k < weights.Count[x]; k++)
                sum += Vector128.LoadUnsafe(ref Unsafe.Add(ref first, k * Channels)) * Unsafe.Add(ref tap, k);
            sum.StoreUnsafe(ref Unsafe.Add(ref output, x * Channels));
        }
    }

    /// <summary>Along the height: each output row is the weighted sum of its window of rows, vectorised across the row.</summary>
    private static void ResizeColumns(float[] rows, Span<float> target, int rowLength, AxisWeights weights)
    {
        var width = Vector<float>.Count;
        ref var input = ref MemoryMarshal.GetArrayDataReference(rows);
        for (var y = 0; y < weights.Count.Length; y++)
        {
            ref var tap = ref weights.FirstTap(y);
            var taps = weights.Count[y];
            ref var first = ref Unsafe.Add(ref input, weights.Start[y] * rowLength);
            ref var output = ref MemoryMarshal.GetReference(target.Slice(y * rowLength, rowLength));
            var j = 0;
            for (; j <= rowLength - width; j += width)
            {
                var sum = Vector<float>.Zero;
                for (var k = 0; k < taps; k++)
                    sum += Vector.LoadUnsafe(ref Unsafe.Add(ref first, k * rowLength + j)) * Unsafe.Add(ref tap, k);
                sum.StoreUnsafe(ref Unsafe.Add(ref output, j));
            }
            for (; j < rowLength; j++)
            {
                var sum = 0f;
                for (var k = 0; k < taps; k++) sum += Unsafe.Add(ref first, k * rowLength + j) * Unsafe.Add(ref tap, k);
                Unsafe.Add(ref output, j) = sum;
            }
        }
    }

    /// <summary>For each output index along one axis: the first input index and the normalised weights of its window.</summary>
    private sealed class AxisWeights
    {
        private readonly float[] _weights;
        private readonly int _window;

        private AxisWeights(int outputs, int window)
        {
            (_window, _weights) = (window, new float[outputs * window]);
            (Start, Count) = (new int[outputs], new int[outputs]);
        }

        public int[] Start { get; }

        public int[] Count { get; }

        /// <summary>The first of the <see cref="Count"/>[<paramref name="output"/>] weights of an output index.</summary>
        public ref float FirstTap(int output) => ref _weights[output * _window];

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
