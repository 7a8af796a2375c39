namespace TransferLearning.ImageClassification.Explanations;

/// <summary>A grid of non-negative scores, row by row: where the image speaks for the explained class, and how much.</summary>
public sealed class Heatmap
{
    private readonly float[] _values;

    internal Heatmap(int width, int height, float[] values)
    {
        (Width, Height, _values) = (width, height, values);
    }

    /// <summary>Columns.</summary>
    public int Width { get; }

    /// <summary>Rows.</summary>
    public int Height { get; }

    /// <summary>The scores, row by row (<see cref="Width"/> × <see cref="Height"/>).</summary>
    public ReadOnlySpan<float> Values => _values;

    /// <summary>The score at column <paramref name="x"/>, row <paramref name="y"/>.</summary>
    public float this[int x, int y] => _values[y * Width + x];

    /// <summary>The largest score (0 when the class has no evidence anywhere).</summary>
    public float Max => _values.Length == 0 ? 0 : _values.Max();

    /// <summary>
    /// The grid stretched to <paramref name="width"/> × <paramref name="height"/> by bilinear interpolation with
    /// half-pixel centres (edges held), e.g. to lay it over the image.
    /// </summary>
    public Heatmap Resize(int width, int height)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(width, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(height, 1);
        var result = new float[checked(width * height)];
        for (var y = 0; y < height; y++)
        {
            var (y0, y1, fy) = Source(y, height, Height);
            for (var x = 0; x < width; x++)
            {
                var (x0, x1, fx) = Source(x, width, Width);
                var top = this[x0, y0] + (this[x1, y0] - this[x0, y0]) * fx;
                var bottom = this[x0, y1] + (this[x1, y1] - this[x0, y1]) * fx;
                result[y * width + x] = top + (bottom - top) * fy;
            }
        }
        return new Heatmap(width, height, result);
    }

    private static (int Low, int High, float Fraction) Source(int target, int targetSize, int sourceSize)
    {
        var position = Math.Clamp((target + 0.5f) * sourceSize / targetSize - 0.5f, 0, sourceSize - 1);
        var low = (int)position;
        return (low, Math.Min(low + 1, sourceSize - 1), position - low);
    }
}
