using ScottPlot;
using TransferLearning.ImageClassification.Data;

namespace TransferLearning.ImageClassification.Plots;

/// <summary>The article's first figure: a grid of random raw images, each titled "label – WxH".</summary>
public static class PreviewGrid
{
    /// <summary>Up to <paramref name="rows"/> × <paramref name="columns"/> images picked at random (seeded) from <paramref name="images"/>; unreadable ones are passed over.</summary>
    public static Multiplot Create(IReadOnlyList<LabeledImage> images, int rows = 4, int columns = 5, int seed = 42)
    {
        ArgumentNullException.ThrowIfNull(images);
        ArgumentOutOfRangeException.ThrowIfLessThan(rows, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(columns, 1);
        var shown = Titles(images, rows * columns, seed);
        var figure = new Multiplot();
        figure.AddPlots(shown.Count);
        figure.Layout = new ScottPlot.MultiplotLayouts.Grid(rows, columns);
        for (var i = 0; i < shown.Count; i++)
        {
            var (image, title) = shown[i];
            var plot = figure.GetPlot(i);
            plot.Add.ImageRect(image, new CoordinateRect(0, image.Width, 0, image.Height));
            plot.Axes.SquareUnits();
            plot.Axes.Frameless();
            plot.HideGrid();
            plot.Title(title, size: 11);
        }
        return figure;
    }

    /// <summary>ScottPlot decodes at full size: read the header first, so a file claiming 60000x60000 pixels is passed over, not allocated.</summary>
    private static bool WithinLimits(string path)
    {
        var limits = Preprocessing.ImageLimits.Default;
        if (new FileInfo(path).Length > limits.MaxFileBytes) return false;
        using var codec = SkiaSharp.SKCodec.Create(path);
        return codec is not null && (long)codec.Info.Width * codec.Info.Height <= limits.MaxPixels;
    }

    /// <summary>The images to show and their titles, in the order shown.</summary>
    internal static IReadOnlyList<(ScottPlot.Image Image, string Title)> Titles(IReadOnlyList<LabeledImage> images, int count, int seed)
    {
        var order = Enumerable.Range(0, images.Count).ToArray();
        new Random(seed).Shuffle(order);
        var shown = new List<(ScottPlot.Image, string)>();
        foreach (var index in order)
        {
            if (shown.Count == count) break;
            try
            {
                if (!WithinLimits(images[index].Path)) continue;
                var image = new ScottPlot.Image(File.ReadAllBytes(images[index].Path));
                shown.Add((image, $"{images[index].Label} – {image.Width}x{image.Height}"));
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // An unusable image has nothing to show; training reports it with its reason.
            }
        }
        return shown;
    }
}
