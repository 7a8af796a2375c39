using ScottPlot;
using TransferLearning.ImageClassification.Experiments;

namespace TransferLearning.ImageClassification.Plots;

/// <summary>Test accuracy per backbone, one bar per head: the article's architecture comparison at a glance.</summary>
public static class ComparisonPlot
{
    /// <summary>A grouped bar chart of <paramref name="result"/>'s test accuracies (rows without test images are left
    /// out).</summary>
    public static Plot Create(ExperimentResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        var rows = result.Entries.Where(e => e.Report.Test is not null).ToArray();
        var backbones = rows.Select(e => e.Report.Backbone).Distinct().ToArray();
        var heads = rows.Select(e => e.Report.Head).Distinct().ToArray();
        var plot = new Plot();
        var palette = new ScottPlot.Palettes.Category10();
        var width = 0.8 / heads.Length;
        for (var h = 0; h < heads.Length; h++)
        {
            var bars = rows.Where(e => e.Report.Head == heads[h]).Select(e => new Bar
            {
                Position = Array.IndexOf(backbones, e.Report.Backbone) - 0.4 + width * (h + 0.5),
                Value = e.Report.Test!.Accuracy,
                Size = width * 0.9,
                FillColor = palette.GetColor(h),
                Label = $"{e.Report.Test.Accuracy:F3}",
            }).ToArray();
            var series = plot.Add.Bars(bars);
            series.LegendText = heads[h];
            series.ValueLabelStyle.FontSize = 11;
        }
        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericManual(
            [.. Enumerable.Range(0, backbones.Length).Select(i => (double)i)], backbones);
        plot.Axes.SetLimitsY(0, 1.05);
        plot.Axes.Margins(bottom: 0);
        plot.Title("Test accuracy by backbone");
        plot.YLabel("test accuracy");
        if (heads.Length > 1) plot.ShowLegend(Alignment.LowerRight);
        return plot;
    }
}
