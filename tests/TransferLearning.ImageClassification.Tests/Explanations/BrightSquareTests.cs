using SkiaSharp;
using TransferLearning.ImageClassification.Explanations;
using TransferLearning.ImageClassification.Head;
using TransferLearning.ImageClassification.Tests.Support;
using Xunit.Abstractions;

namespace TransferLearning.ImageClassification.Tests.Explanations;

/// <summary>On a set whose class is the place of a bright square, the heatmap points at the square.</summary>
public sealed class BrightSquareTests(ITestOutputHelper output)
{
    [Fact]
    public async Task The_heatmap_s_peak_lies_in_the_square_on_most_test_images_and_within_one_map_cell_of_it_on_nearly_all()
    {
        using var folder = TestImages.NewFolder();
        BrightSquares.Write(folder.Combine("train"), perClass: 150, seed: 1);
        var tests = BrightSquares.Write(folder.Combine("test"), perClass: 100, seed: 2);
        var result = await new TransferClassifierBuilder()
            .WithImages(folder.Combine("train"))
            .WithFeaturizer(o => new(o) { CacheDirectory = null })
            .WithBackbone("resnet18-layer3")
            .WithHead(new HeadOptions { HiddenLayers = [], Dropout = 0, Epochs = 40 })
            .TrainAsync();
        using var classifier = result.Classifier;

        var (inside, near) = (0, 0);
        foreach (var (path, square) in tests)
        {
            var explanation = classifier.Explain(File.ReadAllBytes(path));
            var heat = explanation.ImageHeatmap;
            var peak = heat.Values.IndexOf(heat.Max);
            var (x, y) = (peak % heat.Width, peak / heat.Width);
            var cell = BrightSquares.Side / explanation.Heatmap.Width;
            if (square.Contains(x, y)) inside++;
            else output.WriteLine($"{Path.GetFileName(path)}: peak at ({x}, {y}), square {square}");
            if (SKRectI.Inflate(square, cell, cell).Contains(x, y)) near++;
        }

        // A peak dropped at random lands in a 36-pixel square in 128 one time in 13, within a map cell of it one in six.
        // Measured: 176 and 193 of 200; most misses sit on a map cell whose centre is 0-2 pixels outside the square.
        output.WriteLine($"{inside} of {tests.Count} peaks in the square, {near} within a map cell of it; test accuracy {result.Report.Test?.Accuracy:F3}");
        Assert.True(inside >= 0.85 * tests.Count, $"{inside} of {tests.Count} peaks in the square");
        Assert.True(near >= 0.93 * tests.Count, $"{near} of {tests.Count} peaks within a map cell of the square");
    }
}
