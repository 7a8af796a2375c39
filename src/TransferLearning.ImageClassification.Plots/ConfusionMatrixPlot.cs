using ScottPlot;
using TransferLearning.ImageClassification.Evaluation;

namespace TransferLearning.ImageClassification.Plots;

/// <summary>The confusion matrix as a heat map: true class down the side, predicted class along the bottom, counts in
/// the cells.</summary>
public static class ConfusionMatrixPlot
{
    /// <summary>A heat map of <paramref name="metrics"/>' confusion matrix, labelled with the class names.</summary>
    public static Plot Create(ClassificationMetrics metrics, string title = "Confusion matrix (test)")
    {
        ArgumentNullException.ThrowIfNull(metrics);
        var counts = metrics.ConfusionMatrix;
        var classes = metrics.PerClass.Select(c => c.Label).ToArray();
        var n = classes.Length;
        // The heat map draws row 0 at the top, like the matrix is read.
        var cells = new double[n, n];
        for (var row = 0; row < n; row++)
            for (var column = 0; column < n; column++)
                cells[row, column] = counts[row][column];

        var plot = new Plot();
        var heatmap = plot.Add.Heatmap(cells);
        heatmap.Colormap = new ScottPlot.Colormaps.Blues();
        plot.Add.ColorBar(heatmap);
        var brightest = counts.SelectMany(r => r).DefaultIfEmpty(0).Max();
        for (var row = 0; row < n; row++)
            for (var column = 0; column < n; column++)
            {
                var text = plot.Add.Text($"{counts[row][column]}", column, n - 1 - row);
                text.LabelAlignment = Alignment.MiddleCenter;
                // Blues runs from dark (few) to light (many): dark text on light cells and the other way round.
                text.LabelFontColor = counts[row][column] > brightest / 2 ? Colors.Black : Colors.White;
            }

        double[] positions = [.. Enumerable.Range(0, n).Select(i => (double)i)];
        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericManual(positions, classes);
        plot.Axes.Left.TickGenerator = new ScottPlot.TickGenerators.NumericManual(positions, [.. classes.Reverse()]);
        plot.Axes.Bottom.TickLabelStyle.Rotation = 45;
        plot.Axes.Bottom.TickLabelStyle.Alignment = Alignment.MiddleLeft;
        plot.Axes.Bottom.MinimumSize = 110; // room for the rotated class names
        plot.HideGrid();
        plot.Title(title);
        plot.XLabel("predicted");
        plot.YLabel("true");
        return plot;
    }
}
