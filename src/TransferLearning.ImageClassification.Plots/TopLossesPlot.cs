using ScottPlot;
using TransferLearning.ImageClassification.Classification;
using TransferLearning.ImageClassification.Explanations;

namespace TransferLearning.ImageClassification.Plots;

/// <summary>fastai's <c>plot_top_losses</c>: the most confidently wrong images, each with the heatmap of what it was
/// taken for.</summary>
public static class TopLossesPlot
{
    /// <summary>
    /// A grid of <paramref name="losses"/> (from <see cref="ClassifierExplanations.TopLossesAsync"/>), each image with
    /// <paramref name="classifier"/>'s heatmap of the predicted class, titled "predicted / actual / loss / probability
    /// of the predicted class".
    /// </summary>
    public static Multiplot Create(TransferClassifier classifier, IReadOnlyList<TopLoss> losses, int columns = 3)
    {
        ArgumentNullException.ThrowIfNull(classifier);
        ArgumentNullException.ThrowIfNull(losses);
        ArgumentOutOfRangeException.ThrowIfLessThan(columns, 1);
        var figure = new Multiplot();
        if (losses.Count == 0) return figure;
        figure.AddPlots(losses.Count);
        figure.Layout = new ScottPlot.MultiplotLayouts.Grid((losses.Count + columns - 1) / columns, columns);
        for (var i = 0; i < losses.Count; i++)
        {
            var loss = losses[i];
            var image = File.ReadAllBytes(loss.Image.Path);
            using var overlay = ExplanationPlot.Overlay(image, classifier.Explain(image));
            var plot = figure.GetPlot(i);
            plot.Add.ImageRect(new ScottPlot.Image(overlay), new CoordinateRect(0, overlay.Width, 0, overlay.Height));
            plot.Axes.SquareUnits();
            plot.Axes.Frameless();
            plot.HideGrid();
            plot.Title($"{loss.Prediction.Label} / {loss.Image.Label} / {loss.Loss:F2} / " +
                $"{loss.Prediction.Probability:F2}", size: 11);
        }
        return figure;
    }
}
