using Microsoft.ML;
using Microsoft.ML.Data;
using SkiaSharp;
using TransferLearning.ImageClassification.Features;
using TransferLearning.ImageClassification.MLNet;
using TransferLearning.ImageClassification.Tests.Support;

namespace TransferLearning.ImageClassification.Tests.MLNet;

/// <summary>
/// ML.NET 6's ImageAnalytics (LoadImages, ResizeImages, ExtractPixels) is built on the SkiaSharp 3 this library decodes
/// with, so its image chain runs in the same app, beside the library's estimator and feeding it.
/// </summary>
public class ImageAnalyticsTests
{
    private sealed class Row
    {
        public string ImagePath { get; set; } = "";
        public string Label { get; set; } = "";
    }

    private static Row[] Rows(TempFolder folder, int classes, int perClass)
    {
        TestImages.CopyAssets(folder.Combine("images"), classes, perClass);
        return Directory.GetFiles(folder.Combine("images"), "*.png", SearchOption.AllDirectories)
            .Order(StringComparer.Ordinal)
            .Select(p => new Row { ImagePath = p, Label = Path.GetFileName(Path.GetDirectoryName(p)!) }).ToArray();
    }

    private static FeaturizerOptions NoCache => new() { CacheDirectory = null };

    [Fact]
    public void Ml_net_s_image_chain_runs_beside_the_library_s_estimator_in_one_pipeline()
    {
        Assert.Equal(3, typeof(SKBitmap).Assembly.GetName().Version!.Major);
        using var folder = TestImages.NewFolder();
        var ml = new MLContext(seed: 0);
        var data = ml.Data.LoadFromEnumerable(Rows(folder, classes: 2, perClass: 3));
        var pipeline = ml.Transforms.LoadImages("Image", imageFolder: null, inputColumnName: nameof(Row.ImagePath))
            .Append(ml.Transforms.ResizeImages("Small", 32, 32, "Image"))
            .Append(ml.Transforms.ExtractPixels("Pixels", "Small"))
            .Append(ml.Transforms.FeaturizeImages("Features", nameof(Row.ImagePath), options: NoCache));

        using var output = (IDisposable)pipeline.Fit(data);
        var transformed = ((ITransformer)output).Transform(data);
        var pixels = transformed.GetColumn<float[]>("Pixels").ToArray();
        var features = transformed.GetColumn<float[]>("Features").ToArray();

        Assert.All(pixels, p => Assert.Equal(3 * 32 * 32, p.Length));
        Assert.All(pixels, p => Assert.Contains(p, v => v > 0));
        Assert.All(features, f => Assert.Equal(512, f.Length));
        Assert.All(features, f => Assert.All(f, v => Assert.True(float.IsFinite(v))));
    }

    [Theory]
    [InlineData("LoadImages")]         // MLImage: decoded by ML.NET
    [InlineData("LoadRawImageBytes")]  // the encoded bytes: decoded by the library
    public void A_column_ml_net_loaded_gives_the_features_of_the_same_files_given_by_path(string loader)
    {
        using var folder = TestImages.NewFolder();
        var ml = new MLContext(seed: 0);
        var data = ml.Data.LoadFromEnumerable(Rows(folder, classes: 2, perClass: 3));
        IEstimator<ITransformer> load = loader == "LoadImages"
            ? ml.Transforms.LoadImages("Image", imageFolder: null, inputColumnName: nameof(Row.ImagePath))
            : ml.Transforms.LoadRawImageBytes("Image", imageFolder: null, inputColumnName: nameof(Row.ImagePath));
        var loaded = load.Fit(data).Transform(data);

        using var fromColumn = ml.Transforms.FeaturizeImages("Features", "Image", options: NoCache).Fit(loaded);
        using var fromPaths = ml.Transforms.FeaturizeImages("Features", nameof(Row.ImagePath), options: NoCache)
            .Fit(data);

        // PNGs without an EXIF orientation decode to the same pixels either way; the resize is the library's in both.
        Assert.Equal(
            fromPaths.Transform(data).GetColumn<float[]>("Features").ToArray(),
            fromColumn.Transform(loaded).GetColumn<float[]>("Features").ToArray());
    }

    [Fact]
    public void Images_ml_net_has_resized_still_train_a_classifier_through_the_library_s_features()
    {
        using var folder = TestImages.NewFolder();
        var ml = new MLContext(seed: 1);
        var data = ml.Data.LoadFromEnumerable(Rows(folder, classes: 3, perClass: 16));
        var split = ml.Data.TrainTestSplit(data, testFraction: 0.25, seed: 1);
        var pipeline = ml.Transforms.Conversion.MapValueToKey("Label")
            .Append(ml.Transforms.LoadImages("Image", imageFolder: null, inputColumnName: nameof(Row.ImagePath)))
            .Append(ml.Transforms.ResizeImages("Image", 64, 64, "Image"))
            .Append(ml.Transforms.FeaturizeImages("Features", "Image", options: NoCache))
            .Append(ml.MulticlassClassification.Trainers.LbfgsMaximumEntropy());

        var model = pipeline.Fit(split.TrainSet);
        var metrics = ml.MulticlassClassification.Evaluate(model.Transform(split.TestSet));

        Assert.True(metrics.MicroAccuracy > 0.8, $"accuracy {metrics.MicroAccuracy}");
    }

    [Fact]
    public void A_file_LoadImages_cannot_read_costs_its_row_only_missing_values_and_a_reason()
    {
        using var folder = TestImages.NewFolder();
        var ml = new MLContext(seed: 0);
        var rows = Rows(folder, classes: 1, perClass: 2)
            .Append(new Row { ImagePath = folder.Write("broken.png", [1, 2, 3]), Label = "x" }).ToArray();
        var data = ml.Data.LoadFromEnumerable(rows);
        var loaded = ml.Transforms.LoadImages("Image", imageFolder: null, inputColumnName: nameof(Row.ImagePath))
            .Fit(data).Transform(data);
        var logger = new ListLogger();
        using var transformer = ml.Transforms.FeaturizeImages("Features", "Image", options: NoCache, logger: logger)
            .Fit(loaded);

        var output = (ImageFeaturesDataView)transformer.Transform(loaded);
        var features = output.GetColumn<float[]>("Features").ToArray();

        Assert.All(features[2], v => Assert.True(float.IsNaN(v)));
        Assert.All(features.Take(2), f => Assert.All(f, v => Assert.True(float.IsFinite(v))));
        Assert.Equal("row 2", Assert.Single(output.Skipped).Path);
        Assert.Contains("row 2", Assert.Single(logger.Entries).Message);
    }

    [Fact]
    public void Flat_black_flat_white_and_noise_images_from_ml_net_give_finite_features()
    {
        using var folder = TestImages.NewFolder();
        var random = new Random(3);
        var noise = new byte[50 * 40 * 4];
        random.NextBytes(noise);
        byte[] Flat(byte value) => Enumerable.Repeat(value, 50 * 40 * 4).ToArray();
        var paths = new[] { Flat(0), Flat(255), noise }.Select((rgba, i) =>
            folder.Write($"{i}.png", TestImages.EncodePixels(SKEncodedImageFormat.Png, 50, 40, rgba))).ToArray();
        var ml = new MLContext(seed: 0);
        var data = ml.Data.LoadFromEnumerable(paths.Select(p => new Row { ImagePath = p }));
        var loaded = ml.Transforms.LoadImages("Image", imageFolder: null, inputColumnName: nameof(Row.ImagePath))
            .Fit(data).Transform(data);

        using var transformer = ml.Transforms.FeaturizeImages("Features", "Image", options: NoCache).Fit(loaded);

        Assert.All(transformer.Transform(loaded).GetColumn<float[]>("Features"), f => Assert.All(f, v => Assert.True(float.IsFinite(v))));
    }

    [Fact]
    public void A_column_of_another_type_is_refused_up_front_naming_what_is_accepted()
    {
        var ml = new MLContext();
        var data = ml.Data.LoadFromEnumerable(new[] { new { Number = 1f } });
        var estimator = ml.Transforms.FeaturizeImages("Features", "Number");

        var error = Assert.Throws<ArgumentOutOfRangeException>(() => estimator.Fit(data));
        var shapeError = Assert.Throws<ArgumentOutOfRangeException>(
            () => estimator.GetOutputSchema(BottleneckFeaturizingEstimator.ShapeOf(data.Schema)));

        Assert.Contains("LoadImages", error.Message);
        Assert.Contains("LoadRawImageBytes", shapeError.Message);
    }

    [Fact]
    public void The_estimator_s_output_shape_accepts_image_and_byte_columns()
    {
        using var folder = TestImages.NewFolder();
        var ml = new MLContext();
        var data = ml.Data.LoadFromEnumerable(Rows(folder, classes: 1, perClass: 1));
        var loaded = ml.Transforms.LoadImages("Image", imageFolder: null, inputColumnName: nameof(Row.ImagePath))
            .Append(ml.Transforms.LoadRawImageBytes("Bytes", imageFolder: null, nameof(Row.ImagePath)))
            .Fit(data).Transform(data);

        foreach (var column in new[] { "Image", "Bytes" })
        {
            var shape = ml.Transforms.FeaturizeImages("Features", column)
                .GetOutputSchema(BottleneckFeaturizingEstimator.ShapeOf(loaded.Schema));
            Assert.Contains(shape, c => c.Name == "Features" && c.Kind == SchemaShape.Column.VectorKind.Vector);
        }
    }
}
