namespace TransferLearning.ImageClassification.Explanations;

/// <summary>A grid of non-negative scores, row by row: where the image speaks for the explained class, and how
/// much.</summary>
public sealed class Heatmap
{
    private readonly float[] _values;
    private readonly CellCentres _centres;

    internal Heatmap(int width, int height, float[] values, CellCentres? centres = null)
    {
        (Width, Height, _values) = (width, height, values);
        _centres = centres ?? CellCentres.Even(width, height);
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
    /// The grid stretched to <paramref name="width"/> × <paramref name="height"/> by bilinear interpolation, e.g. to
    /// lay
    /// it over the image: each cell is placed at the centre of its receptive field in the image (as the backbone's
    /// convolutions and pools place it; evenly where they do not say), and the edges are held.
    /// </summary>
    public Heatmap Resize(int width, int height)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(width, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(height, 1);
        var result = new float[checked(width * height)];
        for (var y = 0; y < height; y++)
        {
            var (y0, y1, fy) = Source((y + 0.5) / height, _centres.FirstY, _centres.StepY, Height);
            for (var x = 0; x < width; x++)
            {
                var (x0, x1, fx) = Source((x + 0.5) / width, _centres.FirstX, _centres.StepX, Width);
                var top = this[x0, y0] + (this[x1, y0] - this[x0, y0]) * fx;
                var bottom = this[x0, y1] + (this[x1, y1] - this[x0, y1]) * fx;
                result[y * width + x] = top + (bottom - top) * fy;
            }
        }
        return new Heatmap(width, height, result); // its cells are pixels: evenly spread
    }

    /// <summary>The two cells either side of <paramref name="at"/> (a fraction of the image) and the weight of the
    /// second.</summary>
    private static (int Low, int High, float Fraction) Source(double at, double first, double step, int cells)
    {
        var position = Math.Clamp((at - first) / step, 0, cells - 1);
        var low = (int)position;
        return (low, Math.Min(low + 1, cells - 1), (float)(position - low));
    }
}
