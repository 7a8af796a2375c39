using ScottPlot;
using TransferLearning.ImageClassification.Data;

namespace TransferLearning.ImageClassification.Plots;

/// <summary>The article's first figure: a grid of random images as decoded (upright by their EXIF orientation), each
/// titled "label – WxH".</summary>
public static class PreviewGrid
{
    /// <summary>Up to <paramref name="rows"/> × <paramref name="columns"/> images picked at random (seeded) from
    /// <paramref name="images"/>; unreadable ones are passed over.</summary>
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

    /// <summary>The images to show and their titles, in the order shown.</summary>
    internal static IReadOnlyList<(ScottPlot.Image Image, string Title)> Titles(
        IReadOnlyList<LabeledImage> images, int count, int seed)
    {
        var order = Enumerable.Range(0, images.Count).ToArray();
        new Random(seed).Shuffle(order);
        var shown = new List<(ScottPlot.Image, string)>();
        foreach (var index in order)
        {
            if (shown.Count == count) break;
            try
            {
                // The library's decoder: limits checked from the header before any pixel memory is taken.
                if (new FileInfo(images[index].Path).Length > Preprocessing.ImageLimits.Default.MaxFileBytes) continue;
                using var bitmap = Preprocessing.ImageDecoder.Decode(
                    File.ReadAllBytes(images[index].Path), target: null);
                var image = new ScottPlot.Image(bitmap);
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
