using Microsoft.ML;
using Microsoft.ML.Data;
using TransferLearning.ImageClassification.Backbones;
using TransferLearning.ImageClassification.Downloads;
using TransferLearning.ImageClassification.Features;
using TransferLearning.ImageClassification.Preprocessing;
using TransferLearning.ImageClassification.MLNet;
using TransferLearning.ImageClassification.Tests.Support;

namespace TransferLearning.ImageClassification.Tests.MLNet;

public class BottleneckFeaturizingEstimatorTests
{
    private sealed class Row
    {
        public string ImagePath { get; set; } = "";
        public string Label { get; set; } = "";
    }

    private static Row[] Rows(TempFolder folder, int classes, int perClass)
    {
        TestImages.CopyAssets(folder.Combine("images"), classes, perClass);
        return Directory.GetFiles(folder.Combine("images"), "*.png", SearchOption.AllDirectories).Order(StringComparer.Ordinal)
            .Select(p => new Row { ImagePath = p, Label = Path.GetFileName(Path.GetDirectoryName(p)!) }).ToArray();
    }

    [Fact]
    public void A_catalogue_style_backbone_downloads_when_the_estimator_is_fitted_and_its_feature_size_is_learned()
    {
        using var folder = TestImages.NewFolder();
        var model = TinyOnnx.Classifier("data", "pooled", 24, FeatureProducer.GlobalAveragePool);
        using var server = new LoopbackServer((context, _) => LoopbackServer.ServeAsync(context, model));
        var backbone = new BackboneSpec(BackboneSpec.FromOnnxFile("tiny.onnx", new ImageSize(224, 224), PixelNormalization.Torch))
        {
            ModelPath = null,
            Download = new ModelDownload(server.Url("tiny.onnx"), model.Length, "tiny.onnx"),
        };
        var ml = new MLContext(seed: 1);
        var data = ml.Data.LoadFromEnumerable(Rows(folder, classes: 2, perClass: 2));

        var transformer = ml.Transforms.FeaturizeImages("Features", "ImagePath", backbone, new FeaturizerOptions { ModelStore = new ModelStore(new ModelStoreOptions { Directory = folder.Combine("models") }) }).Fit(data);

        Assert.True(File.Exists(folder.Combine("models", "tiny.onnx")));
        Assert.Equal(24, ((VectorDataViewType)transformer.GetOutputSchema(data.Schema)["Features"].Type).Size);
    }

    [Fact]
    public void Features_feed_an_ml_net_trainer_in_an_ordinary_pipeline()
    {
        using var folder = TestImages.NewFolder();
        var ml = new MLContext(seed: 1);
        var data = ml.Data.LoadFromEnumerable(Rows(folder, classes: 3, perClass: 16));
        var split = ml.Data.TrainTestSplit(data, testFraction: 0.25, seed: 1);
        var pipeline = ml.Transforms.Conversion.MapValueToKey("Label")
            .Append(ml.Transforms.FeaturizeImages("Features", "ImagePath", options: new FeaturizerOptions { CacheDirectory = folder.Combine("cache") }))
            .Append(ml.MulticlassClassification.Trainers.LbfgsMaximumEntropy());

        var model = pipeline.Fit(split.TrainSet);
        var metrics = ml.MulticlassClassification.Evaluate(model.Transform(split.TestSet));

        Assert.True(metrics.MicroAccuracy > 0.8, $"accuracy {metrics.MicroAccuracy}");
    }

    [Fact]
    public void The_features_column_has_the_backbone_size_and_matches_the_featurizer()
    {
        using var folder = TestImages.NewFolder();
        var ml = new MLContext(seed: 1);
        var rows = Rows(folder, classes: 2, perClass: 2);
        var data = ml.Data.LoadFromEnumerable(rows);
        var estimator = ml.Transforms.FeaturizeImages("Features", "ImagePath");

        var shape = estimator.GetOutputSchema(BottleneckFeaturizingEstimator.ShapeOf(data.Schema));
        using var transformer = estimator.Fit(data);
        var output = transformer.Transform(data);
        var column = output.GetColumn<float[]>("Features").ToArray();

        Assert.Contains(shape, c => c.Name == "Features" && c.Kind == SchemaShape.Column.VectorKind.Vector);
        Assert.Equal(new VectorDataViewType(NumberDataViewType.Single, 512), output.Schema["Features"].Type);
        using var featurizer = BottleneckFeaturizer.Create(ImageClassification.Backbones.BackboneCatalog.ResNet18);
        Assert.Equal(featurizer.FeaturizeEncoded([File.ReadAllBytes(rows[1].ImagePath)])[0], column[1]);
        Assert.Equal(rows.Select(r => r.Label), output.GetColumn<string>("Label"));
    }

    [Fact]
    public void An_unusable_image_gives_missing_values_and_is_listed()
    {
        using var folder = TestImages.NewFolder();
        var ml = new MLContext(seed: 1);
        var rows = Rows(folder, classes: 1, perClass: 2).Append(new Row { ImagePath = folder.Write("bad.png", [1, 2, 3]), Label = "x" }).ToArray();
        using var transformer = ml.Transforms.FeaturizeImages("Features", "ImagePath").Fit(ml.Data.LoadFromEnumerable(rows));

        var output = (ImageFeaturesDataView)transformer.Transform(ml.Data.LoadFromEnumerable(rows));

        var features = output.GetColumn<float[]>("Features").ToArray();
        Assert.All(features[2], v => Assert.True(float.IsNaN(v)));
        Assert.DoesNotContain(features[0], float.IsNaN);
        Assert.Equal(rows[2].ImagePath, Assert.Single(output.Skipped).Path);
    }

    [Fact]
    public void A_missing_or_non_text_path_column_is_refused_up_front()
    {
        var ml = new MLContext();
        var data = ml.Data.LoadFromEnumerable(new[] { new { Number = 1f } });

        Assert.Throws<ArgumentOutOfRangeException>(() => ml.Transforms.FeaturizeImages("Features", "ImagePath").Fit(data));
        Assert.Throws<ArgumentOutOfRangeException>(() => ml.Transforms.FeaturizeImages("Features", "Number").Fit(data));
    }

    [Fact]
    public async Task With_an_int8_calibration_in_its_options_the_estimator_gives_the_int8_featurizer_s_features()
    {
        using var folder = TestImages.NewFolder();
        var rows = Rows(folder, classes: 2, perClass: 3);
        var paths = rows.Select(r => r.ImagePath).ToArray();
        var options = new FeaturizerOptions { CacheDirectory = null, Int8 = await ImageClassification.Quantization.BackboneQuantizer.CalibrateAsync(BackboneCatalog.ResNet18, paths) };
        var ml = new MLContext(seed: 1);
        var data = ml.Data.LoadFromEnumerable(rows);

        using var transformer = ml.Transforms.FeaturizeImages("Features", "ImagePath", options: options).Fit(data);
        var features = transformer.Transform(data).GetColumn<float[]>("Features").ToArray();

        using var featurizer = BottleneckFeaturizer.Create(BackboneCatalog.ResNet18, options);
        var expected = (await featurizer.FeaturizeAsync(paths)).Features;
        using var float32 = BottleneckFeaturizer.Create(BackboneCatalog.ResNet18, new FeaturizerOptions(options) { Int8 = null });
        Assert.Equal(expected, features);
        Assert.NotEqual((await float32.FeaturizeAsync(paths)).Features[0], features[0]);
    }
}
