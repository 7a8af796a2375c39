using ScottPlot;
using TransferLearning.ImageClassification.Training;

namespace TransferLearning.ImageClassification.Plots;

/// <summary>The article's training-history figure: loss (top) and accuracy (bottom) per epoch, training and
/// validation; a dashed line marks where fine-tuning the backbone began.</summary>
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
        var fineTuned = history.FirstOrDefault(e => e.Phase == Head.EpochMetrics.FineTuningPhase)?.Epoch;

        var figure = new Multiplot();
        figure.AddPlots(2);
        // Legends where no curve runs: loss falls away from the upper right, accuracy climbs away from the lower right.
        Panel(figure.GetPlot(0), $"{report.Backbone} + {report.Head}: loss", "cross-entropy", epochs,
            [.. history.Select(e => e.TrainLoss)], [.. history.Select(e => e.ValidationLoss ?? double.NaN)],
            Alignment.UpperRight, fineTuned);
        Panel(figure.GetPlot(1), "Accuracy", "accuracy", epochs,
            [.. history.Select(e => e.TrainAccuracy)], [.. history.Select(e => e.ValidationAccuracy ?? double.NaN)],
            Alignment.LowerRight, fineTuned);
        return figure;
    }

    private static void Panel(Plot plot, string title, string yLabel, double[] epochs, double[] train,
        double[] validation, Alignment legend, int? fineTuned)
    {
        if (fineTuned is { } first)
        {
            // Between the head's last epoch and the first that trained the backbone too.
            var line = plot.Add.VerticalLine(first - 0.5);
            line.LinePattern = LinePattern.Dashed;
            line.LegendText = "fine-tuning from here";
        }
        plot.Add.Scatter(epochs, train).LegendText = "training";
        if (validation.Any(double.IsFinite)) plot.Add.Scatter(epochs, validation).LegendText = "validation";
        plot.Title(title);
        plot.XLabel("epoch");
        plot.YLabel(yLabel);
        plot.ShowLegend(legend);
    }
}
