using ScottPlot;
using SkiaSharp;
using TransferLearning.ImageClassification.Explanations;

namespace TransferLearning.ImageClassification.Plots;

/// <summary>An explained image: the picture as the classifier saw it (upright), its heatmap over it in turbo colours at
/// half opacity, and the class and probability as the title.</summary>
public static class ExplanationPlot
{
    /// <summary>The overlay of <paramref name="explanation"/> on <paramref name="image"/>, the encoded bytes it
    /// explains.</summary>
    /// <exception cref="Preprocessing.ImageDecodeException">The bytes are not a usable image.</exception>
    public static Plot Create(byte[] image, Explanation explanation)
    {
        ArgumentNullException.ThrowIfNull(image);
        ArgumentNullException.ThrowIfNull(explanation);
        using var overlay = Overlay(image, explanation);
        var plot = new Plot();
        plot.Add.ImageRect(new ScottPlot.Image(overlay), new CoordinateRect(0, overlay.Width, 0, overlay.Height));
        plot.Axes.SquareUnits();
        plot.Axes.Frameless();
        plot.HideGrid();
        var probability = explanation.Prediction.Scores[explanation.TargetIndex].Probability;
        plot.Title($"{explanation.Target} {probability:P1}");
        return plot;
    }

    private const int MaxSide = 1024;

    /// <summary>The decoded image, shrunk for display when a side is over <see cref="MaxSide"/> (a picture need not
    /// cost a photo's full size twice).</summary>
    private static SKBitmap ForDisplay(SKBitmap bitmap)
    {
        var longest = Math.Max(bitmap.Width, bitmap.Height);
        if (longest <= MaxSide) return bitmap;
        using (bitmap)
        {
            var info = new SKImageInfo(Math.Max(1, bitmap.Width * MaxSide / longest),
                Math.Max(1, bitmap.Height * MaxSide / longest), SKColorType.Rgba8888, SKAlphaType.Unpremul);
            return bitmap.Resize(info, new SKSamplingOptions(SKFilterMode.Linear, SKMipmapMode.Linear));
        }
    }

    /// <summary>The image, upright, with each pixel blended half and half with the turbo colour of its heat (scaled to
    /// the map's maximum).</summary>
    internal static SKBitmap Overlay(byte[] image, Explanation explanation)
    {
        var bitmap = ForDisplay(
            Preprocessing.ImageDecoder.Decode(image, new Preprocessing.ImageSize(MaxSide / 2, MaxSide / 2)));
        var heat = explanation.Heatmap.Resize(bitmap.Width, bitmap.Height);
        var max = heat.Max;
        var colormap = new ScottPlot.Colormaps.Turbo();
        var pixels = Preprocessing.ImageDecoder.MutablePixelBytes(bitmap);
        for (var i = 0; i < bitmap.Width * bitmap.Height; i++)
        {
            var colour = colormap.GetColor(max > 0 ? heat.Values[i] / max : 0);
            pixels[i * 4] = (byte)((pixels[i * 4] + colour.R) / 2);
            pixels[i * 4 + 1] = (byte)((pixels[i * 4 + 1] + colour.G) / 2);
            pixels[i * 4 + 2] = (byte)((pixels[i * 4 + 2] + colour.B) / 2);
            pixels[i * 4 + 3] = 255;
        }
        return bitmap;
    }
}
