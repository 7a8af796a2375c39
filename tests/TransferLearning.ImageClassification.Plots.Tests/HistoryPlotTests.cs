using ScottPlot;
using ScottPlot.Plottables;
using TransferLearning.ImageClassification.Head;
using TransferLearning.ImageClassification.Tests.Support;

namespace TransferLearning.ImageClassification.Plots.Tests;

public class HistoryPlotTests
{
    [Fact]
    public void Loss_and_accuracy_curves_are_the_report_s_epochs()
    {
        var report = Reports.Training();

        var figure = HistoryPlot.Create(report);

        var loss = figure.GetPlot(0).GetPlottables().OfType<Scatter>().ToArray();
        var accuracy = figure.GetPlot(1).GetPlottables().OfType<Scatter>().ToArray();
        Assert.Equal(report.History.Select(e => e.TrainLoss), loss[0].Data.GetScatterPoints().Select(p => p.Y));
        Assert.Equal(report.History.Select(e => e.ValidationLoss!.Value), loss[1].Data.GetScatterPoints().Select(p => p.Y));
        Assert.Equal(report.History.Select(e => e.TrainAccuracy), accuracy[0].Data.GetScatterPoints().Select(p => p.Y));
        Assert.Equal(report.History.Select(e => e.ValidationAccuracy!.Value), accuracy[1].Data.GetScatterPoints().Select(p => p.Y));
        Assert.Equal([1.0, 2.0, 3.0], loss[0].Data.GetScatterPoints().Select(p => p.X));
    }

    [Fact]
    public void A_dashed_line_marks_where_fine_tuning_began_and_a_frozen_run_has_none()
    {
        var tuned = Reports.Training(history: [
            new EpochMetrics(1, 1.0, 0.5, 0.9, 0.55, 3e-4),
            new EpochMetrics(2, 0.7, 0.7, 0.8, 0.65, 3e-4),
            new EpochMetrics(3, 0.4, 0.85, 0.7, 0.72, 3e-5) { Phase = EpochMetrics.FineTuningPhase }]);

        var lines = HistoryPlot.Create(tuned).GetPlot(0).GetPlottables().OfType<VerticalLine>().ToArray();

        Assert.Equal(2.5, Assert.Single(lines).X);
        Assert.Empty(HistoryPlot.Create(Reports.Training()).GetPlot(0).GetPlottables().OfType<VerticalLine>());
    }

    [Fact]
    public void It_saves_as_a_png_of_the_asked_size()
    {
        using var folder = TestImages.NewFolder();

        var path = PlotFile.SavePng(HistoryPlot.Create(Reports.Training()), folder.Combine("plots", "history.png"), 640, 720);

        PngAssert.IsPng(path, 640, 720);
    }

    [Fact]
    public void A_head_without_epochs_says_there_is_nothing_to_plot()
    {
        var report = Reports.Training(head: "lbfgs-maxent", history: []);

        Assert.Contains("lbfgs-maxent", Assert.Throws<ArgumentException>(() => HistoryPlot.Create(report)).Message);
    }
}
