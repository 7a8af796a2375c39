using TransferLearning.ImageClassification.Backbones;
using TransferLearning.ImageClassification.Features;
using TransferLearning.ImageClassification.Tests.Support;

namespace TransferLearning.ImageClassification.Plots.Tests;

/// <summary>
/// The library builds against SkiaSharp 2.88 (ML.NET ImageAnalytics' version); this project runs it on ScottPlot's
/// SkiaSharp 3. Decoding and featurizing must work here too.
/// </summary>
public class LibraryOnSkiaSharp3Tests
{
    [Fact]
    public async Task Images_decode_and_featurize_with_skiasharp_3_loaded()
    {
        Assert.Equal(3, typeof(SkiaSharp.SKBitmap).Assembly.GetName().Version!.Major);
        using var folder = TestImages.NewFolder();
        TestImages.CopyAssets(folder.Combine("data"), classes: 1, perClass: 2);
        using var featurizer = BottleneckFeaturizer.Create(BackboneCatalog.ResNet18);

        var result = await featurizer.FeaturizeAsync(Directory.GetFiles(folder.Combine("data"), "*.png", SearchOption.AllDirectories));

        Assert.Empty(result.Skipped);
        Assert.All(result.Features, f => Assert.Equal(512, f!.Length));
    }
}
