using ScottPlot.Plottables;
using TransferLearning.ImageClassification.Tests.Support;

namespace TransferLearning.ImageClassification.Plots.Tests;

public class ComparisonPlotTests
{
    [Fact]
    public void One_bar_per_backbone_and_head_at_the_report_s_test_accuracy()
    {
        var result = Reports.Experiment();

        var plot = ComparisonPlot.Create(result);

        var series = plot.GetPlottables().OfType<BarPlot>().ToArray();
        Assert.Equal(["dense", "lbfgs-maxent"], series.Select(s => s.LegendText));
        Assert.Equal([0.93, 0.95], series[0].Bars.Select(b => b.Value));
        Assert.Equal([0.91, 0.94], series[1].Bars.Select(b => b.Value));
        plot.GetImage(800, 600); // ticks exist once laid out
        Assert.Equal(["vgg16", "googlenet"], plot.Axes.Bottom.TickGenerator.Ticks.Select(t => t.Label));
    }

    [Fact]
    public void It_saves_as_a_png_of_the_asked_size()
    {
        using var folder = TestImages.NewFolder();

        PngAssert.IsPng(PlotFile.SavePng(ComparisonPlot.Create(Reports.Experiment()), folder.Combine("comparison.png"), 800, 500), 800, 500);
    }
}
