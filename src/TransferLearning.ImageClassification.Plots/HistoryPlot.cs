using ScottPlot;
using TransferLearning.ImageClassification.Training;

namespace TransferLearning.ImageClassification.Plots;

/// <summary>The article's training-history figure: loss (top) and accuracy (bottom) per epoch, training and
/// validation.</summary>
public static class HistoryPlot
{
    /// <summary>Two stacked plots built from <paramref name="report"/>'s history.</summary>
    /// <exception cref="ArgumentException">The report has no epochs (e.g. an ML.NET head).</exception>
    public static Multiplot Create(TrainingReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        var history = report.History;
        if (history.Count == 0) throw new ArgumentException(
            $"The '{report.Head}' head on {report.Backbone} has no per-epoch history to plot.", nameof(report));
        double[] epochs = [.. history.Select(e => (double)e.Epoch)];

        var figure = new Multiplot();
        figure.AddPlots(2);
        // Legends where no curve runs: loss falls away from the upper right, accuracy climbs away from the lower right.
        Panel(figure.GetPlot(0), $"{report.Backbone} + {report.Head}: loss", "cross-entropy", epochs,
            [.. history.Select(e => e.TrainLoss)], [.. history.Select(e => e.ValidationLoss ?? double.NaN)],
            Alignment.UpperRight);
        Panel(figure.GetPlot(1), "Accuracy", "accuracy", epochs,
            [.. history.Select(e => e.TrainAccuracy)], [.. history.Select(e => e.ValidationAccuracy ?? double.NaN)],
            Alignment.LowerRight);
        return figure;
    }

    private static void Panel(
        Plot plot, string title, string yLabel, double[] epochs, double[] train, double[] validation, Alignment legend)
    {
        plot.Add.Scatter(epochs, train).LegendText = "training";
        if (validation.Any(double.IsFinite)) plot.Add.Scatter(epochs, validation).LegendText = "validation";
        plot.Title(title);
        plot.XLabel("epoch");
        plot.YLabel(yLabel);
        plot.ShowLegend(legend);
    }
}
