using Microsoft.ML;
using Microsoft.ML.Data;
using TransferLearning.ImageClassification.Tests.Support;

namespace TransferLearning.ImageClassification.Tests.MLNet;

/// <summary>
/// ML.NET's ImageAnalytics 5.0.1 is built against SkiaSharp 2.88 and calls <c>SKBitmap.GetPixelSpan</c>, whose return
/// type SkiaSharp 3 changed; this library (and ScottPlot) need SkiaSharp 3, so ML.NET's <c>LoadImages</c> cannot run in
/// the same app. The README says so. When an ImageAnalytics built for SkiaSharp 3 arrives, this test fails: then drop
/// the caveat from the README and turn this into a test that it works.
/// </summary>
public class ImageAnalyticsTests
{
    [Fact]
    public void Ml_net_s_image_loading_does_not_run_on_skia_sharp_3_as_the_readme_says()
    {
        Assert.Equal(3, typeof(SkiaSharp.SKBitmap).Assembly.GetName().Version!.Major);
        var ml = new MLContext(seed: 0);
        var files = Directory.GetFiles(Path.Combine(TestImages.Train, "Bag")).Order(StringComparer.Ordinal).Take(2);
        var data = ml.Data.LoadFromEnumerable(files.Select(f => new Row { Path = f }));
        var pipeline = ml.Transforms.LoadImages("Image", imageFolder: null, inputColumnName: nameof(Row.Path))
            .Append(ml.Transforms.ResizeImages("Image", 32, 32, "Image"))
            .Append(ml.Transforms.ExtractPixels("Pixels", "Image"));

        var error = Assert.ThrowsAny<Exception>(() => pipeline.Fit(data).Transform(data).GetColumn<float[]>("Pixels").ToArray());

        Assert.Contains("GetPixelSpan", error.ToString());
    }

    private sealed class Row
    {
        public string Path { get; set; } = "";
    }
}
