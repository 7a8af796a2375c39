using System.IO.Compression;
using System.Text.Json;
using TransferLearning.ImageClassification.Backbones;
using TransferLearning.ImageClassification.Classification;
using TransferLearning.ImageClassification.Features;
using TransferLearning.ImageClassification.Quantization;
using TransferLearning.ImageClassification.Tests.Support;
using Xunit.Abstractions;

namespace TransferLearning.ImageClassification.Tests.Quantization;

/// <summary>int8 on the real ResNet18: fully fused, reproducible, and the same answers wherever the model goes.</summary>
public sealed class BackboneQuantizerTests(ITestOutputHelper output) : IDisposable
{
    private readonly TempFolder _folder = TestImages.NewFolder();

    public void Dispose() => _folder.Dispose();

    private static string[] Bundled(string part, int count) =>
        [.. Directory.GetFiles(part, "*.png", SearchOption.AllDirectories).Order(StringComparer.Ordinal).Where((_, i) => i % 97 == 0).Take(count)];

    [Theory]
    [InlineData("resnet18")]
    [InlineData("resnet18-layer3")]
    public async Task Every_convolution_and_residual_add_of_resnet18_runs_in_int8(string name)
    {
        var spec = BackboneCatalog.Get(name);
        var calibration = await BackboneQuantizer.CalibrateAsync(spec, Bundled(TestImages.Train, 16));
        var (bytes, sha256) = BackboneRunner.ReadModel(spec, null);
        var rewrite = OnnxGraphRewriter.ToFeatureExtractor(bytes, spec);

        var fusion = FusionCount.Of(BackboneQuantizer.Build(rewrite, sha256, spec, calibration));

        var cut = Onnx.ModelProto.Parser.ParseFrom(rewrite.Model).Graph.Node;
        output.WriteLine($"{name}: {fusion}");
        Assert.Equal((cut.Count(n => n.OpType == "Conv"), 0), (fusion.IntegerConvolutions, fusion.FloatConvolutions));
        Assert.Equal(cut.Count(n => n.OpType == "Add"), fusion.IntegerAdds);
    }

    [Fact]
    public async Task The_same_images_give_the_same_calibration_and_bit_identical_features()
    {
        var spec = BackboneCatalog.ResNet18Layer3;
        var images = Bundled(TestImages.Train, 16);
        var first = await BackboneQuantizer.CalibrateAsync(spec, images);
        var second = await BackboneQuantizer.CalibrateAsync(spec, images);
        Assert.Equal(first.Fingerprint, second.Fingerprint);

        using var one = BottleneckFeaturizer.Create(spec, new FeaturizerOptions { CacheDirectory = null, Int8 = first });
        using var other = BottleneckFeaturizer.Create(spec, new FeaturizerOptions { CacheDirectory = null, Int8 = second, BatchSize = 3 });
        var test = Bundled(TestImages.Test, 8);
        var a = (await one.FeaturizeAsync(test)).Features;
        var b = (await other.FeaturizeAsync(test)).Features;
        Assert.All(a.Zip(b), pair => Assert.Equal(pair.First, pair.Second));
        Assert.NotEqual(one.Fingerprint, BottleneckFeaturizer.Create(spec, new FeaturizerOptions { CacheDirectory = null }).Fingerprint);
    }

    [Fact]
    public async Task An_int8_classifier_trains_on_a_draw_from_the_training_part_saves_loads_and_predicts_the_same()
    {
        TestImages.CopyAssets(_folder.Combine("data"), classes: 2, perClass: 16);
        var result = await new TransferClassifierBuilder()
            .WithImages(_folder.Combine("data"))
            .WithFeaturizer(o => new(o) { CacheDirectory = null })
            .WithInt8(new QuantizationOptions { CalibrationImages = 8 })
            .WithHead(new ImageClassification.Head.HeadOptions { Epochs = 5 })
            .TrainAsync();
        using var trained = result.Classifier;
        var path = _folder.Combine("model.zip");
        trained.Save(path);

        using var loaded = TransferClassifier.Load(path);
        var images = Bundled(TestImages.Test, 6).Select(File.ReadAllBytes).ToArray();

        Assert.Equal("int8", result.Report.Precision);
        Assert.All(images, image => SameScores.Equal(trained.Predict(image).Scores, loaded.Predict(image).Scores));
        using (var zip = ZipFile.OpenRead(path))
        {
            using var manifest = JsonDocument.Parse(zip.GetEntry("model.json")!.Open());
            Assert.Equal((5, "int8"), (manifest.RootElement.GetProperty("formatVersion").GetInt32(), manifest.RootElement.GetProperty("precision").GetString()));
            using var calibration = JsonDocument.Parse(zip.GetEntry("int8-calibration.json")!.Open());
            Assert.Equal(8, calibration.RootElement.GetProperty("images").GetInt32());
        }
    }

    [Fact]
    public async Task Percentile_ranges_lie_within_the_min_max_ranges_of_the_same_images()
    {
        var images = Bundled(TestImages.Train, 8);
        var minMax = await BackboneQuantizer.CalibrateAsync(BackboneCatalog.ResNet18Layer3, images);
        var percentile = await BackboneQuantizer.CalibrateAsync(BackboneCatalog.ResNet18Layer3, images, new QuantizationOptions { Method = CalibrationMethod.Percentile, Percentile = 99.9 });

        Assert.Equal(minMax.Ranges.Keys.Order(), percentile.Ranges.Keys.Order());
        Assert.All(minMax.Ranges, r =>
        {
            var (min, max) = percentile.Ranges[r.Key];
            Assert.InRange(min, r.Value.Min, r.Value.Max);
            Assert.InRange(max, min, r.Value.Max);
        });
        Assert.Contains(minMax.Ranges, r => percentile.Ranges[r.Key].Max < r.Value.Max); // the tails were cut somewhere
    }

    [Fact]
    public async Task A_calibration_for_another_backbone_file_is_refused_by_name()
    {
        var calibration = await BackboneQuantizer.CalibrateAsync(BackboneCatalog.ResNet18Layer3, Bundled(TestImages.Train, 4));
        var tiny = TinyOnnx.Backbone(_folder, features: 8);

        var error = Assert.Throws<InvalidDataException>(() => BottleneckFeaturizer.Create(tiny, new FeaturizerOptions { CacheDirectory = null, Int8 = calibration }));
        Assert.Contains("calibrate again", error.Message);
    }

    [Fact]
    public async Task Images_that_do_not_decode_are_passed_over_and_none_at_all_is_an_error()
    {
        var broken = _folder.Write("broken.png", "not an image"u8.ToArray());
        var images = Bundled(TestImages.Train, 3);

        var calibration = await BackboneQuantizer.CalibrateAsync(BackboneCatalog.ResNet18Layer3, [broken, .. images, _folder.Combine("missing.png")]);

        Assert.Equal(3, calibration.Images);
        await Assert.ThrowsAsync<InvalidDataException>(() => BackboneQuantizer.CalibrateAsync(BackboneCatalog.ResNet18Layer3, [broken]));
    }
}
