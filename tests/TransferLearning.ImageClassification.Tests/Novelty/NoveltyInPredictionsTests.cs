using System.IO.Compression;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using SkiaSharp;
using TransferLearning.ImageClassification.Classification;
using TransferLearning.ImageClassification.Explanations;
using TransferLearning.ImageClassification.Export;
using TransferLearning.ImageClassification.Preprocessing;
using TransferLearning.ImageClassification.Tests.Classification;
using TransferLearning.ImageClassification.Tests.Export;
using TransferLearning.ImageClassification.Tests.Support;

namespace TransferLearning.ImageClassification.Tests.Novelty;

/// <summary>The novelty score of the main job's classifier (ResNet18 to stage 3 on the bundled Fashion-MNIST), in every
/// kind of prediction, the model file and the exported ONNX.</summary>
[Collection(TrainedOnAssets.Name)]
public sealed class NoveltyInPredictionsTests(TrainedOnAssetsFixture trained) : IDisposable
{
    private readonly TempFolder _folder = TestImages.NewFolder();

    public void Dispose() => _folder.Dispose();

    private TransferClassifier Classifier => trained.Result.Classifier;

    /// <summary>Images nothing like a garment on a dark background: flat black, flat white, colour noise, a gradient.</summary>
    private static byte[][] Unlike()
    {
        var random = new Random(11);
        byte[] Flat(int width, int height, byte value) => Enumerable.Repeat(value, width * height * 4).ToArray();
        var noise = new byte[97 * 61 * 4];
        random.NextBytes(noise);
        return
        [
            TestImages.EncodePixels(SKEncodedImageFormat.Png, 40, 30, Flat(40, 30, 0)),
            TestImages.EncodePixels(SKEncodedImageFormat.Png, 40, 30, Flat(40, 30, 255)),
            TestImages.EncodePixels(SKEncodedImageFormat.Png, 97, 61, noise),
            TestImages.Encode(SKEncodedImageFormat.Jpeg, 333, 250, seed: 40),
        ];
    }

    private static byte[][] Familiar(int perClass) =>
    [
        .. Directory.GetDirectories(TestImages.Test).Order(StringComparer.Ordinal)
            .SelectMany(d => Directory.GetFiles(d).Order(StringComparer.Ordinal).Take(perClass)).Select(File.ReadAllBytes),
    ];

    [Fact]
    public void Training_calibrates_the_threshold_on_the_validation_images_and_reports_it()
    {
        var novelty = trained.Result.Report.Novelty!;

        Assert.Equal("validation", novelty.CalibratedOn);
        Assert.Equal(0.95, novelty.Acceptance);
        Assert.InRange(novelty.CalibrationAcceptance, 0.95, 0.96);
        Assert.InRange(novelty.TestAcceptance!.Value, 0.92, 0.98);
        Assert.Equal(novelty.Threshold, Classifier.NoveltyThreshold);
    }

    [Fact]
    public void Every_kind_of_prediction_carries_the_same_finite_score_and_verdict()
    {
        byte[][] images = [.. Familiar(perClass: 2), .. Unlike()];

        var single = images.Select(Classifier.Predict).ToArray();
        var batch = Classifier.PredictBatch(images).Select(b => b.Prediction!).ToArray();
        var explained = images.Select(i => Classifier.Explain(i).Prediction).ToArray();

        Assert.All(single, p => Assert.True(float.IsFinite(p.Novelty!.Value), $"novelty {p.Novelty}"));
        Assert.Equal(single.Select(p => p.Novelty), batch.Select(p => p.Novelty));
        Assert.Equal(single.Select(p => p.Novelty), explained.Select(p => p.Novelty));
        Assert.All(single, p => Assert.Equal(p.Novelty > Classifier.NoveltyThreshold, p.IsUnfamiliar));
    }

    [Fact]
    public void Flat_and_noise_images_are_flagged_unfamiliar_and_most_garments_are_not()
    {
        var familiar = Familiar(perClass: 5).Select(Classifier.Predict).ToArray();
        var unlike = Unlike().Select(Classifier.Predict).ToArray();

        Assert.All(unlike, p => Assert.True(p.IsUnfamiliar, $"novelty {p.Novelty} ≤ threshold {p.NoveltyThreshold}"));
        Assert.True(familiar.Count(p => !p.IsUnfamiliar) >= 40, $"{familiar.Count(p => p.IsUnfamiliar)} of 50 garments flagged");
    }

    [Fact]
    public async Task Evaluating_against_unfamiliar_files_reports_auroc_and_what_the_threshold_flags()
    {
        var familiar = Directory.GetDirectories(TestImages.Test).Order(StringComparer.Ordinal)
            .SelectMany(d => Directory.GetFiles(d).Order(StringComparer.Ordinal).Take(10)).ToArray();
        var unfamiliar = Unlike().Select((bytes, i) => _folder.Write($"unlike{i}.png", bytes)).Append(_folder.Write("broken.png", [1, 2])).ToArray();

        var metrics = await Classifier.EvaluateNoveltyAsync(familiar, unfamiliar);

        Assert.Equal((100, 4), (metrics.Familiar, metrics.Unfamiliar));
        Assert.True(metrics.AreaUnderRocCurve > 0.95, $"AUROC {metrics.AreaUnderRocCurve}");
        Assert.Equal(1.0, metrics.UnfamiliarFlagged);
        Assert.Equal(unfamiliar[^1], Assert.Single(metrics.Skipped).Path);
    }

    [Fact]
    public void The_model_file_stores_the_detector_and_loads_it_back_with_the_same_scores()
    {
        var path = _folder.Combine("model.zip");
        Classifier.Save(path);

        using var loaded = TransferClassifier.Load(path);
        using var zip = ZipFile.OpenRead(path);

        Assert.NotNull(zip.GetEntry("novelty.bin"));
        Assert.Contains("\"formatVersion\": 5", new StreamReader(zip.GetEntry("model.json")!.Open()).ReadToEnd());
        Assert.Equal(Classifier.NoveltyThreshold, loaded.NoveltyThreshold);
        Assert.All(Unlike().Concat(Familiar(1)), i => Assert.Equal(Classifier.Predict(i).Novelty, loaded.Predict(i).Novelty));
    }

    [Fact]
    public async Task A_model_without_a_detector_is_saved_as_before_and_loads_with_the_score_absent_saying_so_once()
    {
        var result = await trained.NewBuilder().WithoutNovelty().TrainAsync();
        using var classifier = result.Classifier;
        var path = _folder.Combine("old.zip");
        classifier.Save(path);
        var logger = new ListLogger();

        using var loaded = TransferClassifier.Load(path, logger: logger);
        var prediction = loaded.Predict(Unlike()[0]);

        using var zip = ZipFile.OpenRead(path);
        Assert.Contains("\"formatVersion\": 3", new StreamReader(zip.GetEntry("model.json")!.Open()).ReadToEnd());
        Assert.Null(result.Report.Novelty);
        Assert.Null(prediction.Novelty);
        Assert.False(prediction.IsUnfamiliar);
        Assert.Null(loaded.NoveltyThreshold);
        Assert.Single(logger.Entries, e => e.Message.Contains("no novelty detector"));
    }

    [Fact]
    public void The_exported_onnx_computes_the_same_novelty_within_1e4_and_carries_the_threshold()
    {
        var path = _folder.Combine("classifier.onnx");
        Classifier.ExportOnnx(path);
        using var session = new InferenceSession(path);

        foreach (var image in Familiar(perClass: 1).Concat(Unlike()))
        {
            using var decoded = ImageDecoder.Decode(image, Classifier.Backbone.InputSize);
            var tensor = new DenseTensor<byte>(OnnxExporterTests.Rgb(decoded), [1, decoded.Height, decoded.Width, 3]);
            using var results = session.Run([NamedOnnxValue.CreateFromTensor("image", tensor)], ["novelty"]);

            var exported = results[0].AsTensor<float>()[0];
            var expected = Classifier.Predict(image).Novelty!.Value;
            Assert.Equal(expected, exported, Math.Max(1, Math.Abs(expected)) * 1e-4);
        }
        Assert.Equal(Classifier.NoveltyThreshold!.Value.ToString("R", System.Globalization.CultureInfo.InvariantCulture),
            session.ModelMetadata.CustomMetadataMap["novelty_threshold"]);
    }
}
