using ScottPlot.Plottables;
using TransferLearning.ImageClassification.Tests.Support;

namespace TransferLearning.ImageClassification.Plots.Tests;

public class ConfusionMatrixPlotTests
{
    [Fact]
    public void The_cells_are_the_report_s_counts_with_class_names_on_the_axes()
    {
        var metrics = Reports.Metrics(0.88);

        var plot = ConfusionMatrixPlot.Create(metrics);

        var heatmap = Assert.Single(plot.GetPlottables().OfType<Heatmap>());
        for (var row = 0; row < 3; row++)
            for (var column = 0; column < 3; column++)
                Assert.Equal(metrics.ConfusionMatrix[row][column], heatmap.Intensities[row, column]);
        var texts = plot.GetPlottables().OfType<Text>().Select(t => t.LabelText).ToArray();
        Assert.Equal(metrics.ConfusionMatrix.SelectMany(r => r).Select(c => $"{c}"), texts);
        plot.GetImage(800, 600); // ticks exist once laid out
        var ticks = plot.Axes.Bottom.TickGenerator.Ticks.Select(t => t.Label);
        Assert.Equal(["cat", "dog", "fox"], ticks);
    }

    [Fact]
    public void It_saves_as_a_png_of_the_asked_size()
    {
        using var folder = TestImages.NewFolder();

        PngAssert.IsPng(PlotFile.SavePng(ConfusionMatrixPlot.Create(Reports.Metrics(0.9)), folder.Combine("confusion.png"), 700, 600), 700, 600);
    }
}
