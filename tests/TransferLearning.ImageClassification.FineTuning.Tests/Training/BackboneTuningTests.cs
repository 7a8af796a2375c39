using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using SkiaSharp;
using TransferLearning.ImageClassification.Backbones;
using TransferLearning.ImageClassification.Classification;
using TransferLearning.ImageClassification.Explanations;
using TransferLearning.ImageClassification.Export;
using TransferLearning.ImageClassification.Features;
using TransferLearning.ImageClassification.FineTuning.Training;
using TransferLearning.ImageClassification.Head;
using TransferLearning.ImageClassification.Preprocessing;
using TransferLearning.ImageClassification.Quantization;
using TransferLearning.ImageClassification.Training;
using Xunit.Abstractions;

namespace TransferLearning.ImageClassification.FineTuning.Tests.Training;

/// <summary>Fine-tuning through the builder: what it returns, what it reports, and that everything after training runs
/// the fine-tuned backbone on ONNX Runtime alone.</summary>
public class BackboneTuningTests(FineTunedClassifier run, ITestOutputHelper output) : IClassFixture<FineTunedClassifier>
{
    private TrainingResult Result => run.Result!;

    private TransferClassifier Classifier => Result.Classifier;

    /// <summary>Bundled test images, the first <paramref name="perClass"/> of each class.</summary>
    private static string[] TestFiles(int perClass) =>
        [.. Directory.GetDirectories(TestImages.Test).Order(StringComparer.Ordinal)
            .SelectMany(folder => Directory.GetFiles(folder).Order(StringComparer.Ordinal).Take(perClass))];

    [TorchFact]
    public void It_beats_the_frozen_model_on_validation_and_reports_how()
    {
        var report = Result.Report.FineTuning!;
        output.WriteLine($"validation loss {report.FrozenValidationLoss:F4} -> {report.ValidationLoss:F4}, accuracy " +
            $"{report.FrozenValidationAccuracy:F4} -> {report.ValidationAccuracy:F4}; test " +
            $"{report.FrozenTest?.Accuracy:F4} -> {Result.Report.Test?.Accuracy:F4}; {report.ImagesPerSecond:F1} img/s; " +
            $"verified within {report.VerifiedDifference:G3}");

        Assert.True(report.Helped);
        Assert.True(report.ValidationLoss < report.FrozenValidationLoss);
        Assert.True(report.ValidationAccuracy >= report.FrozenValidationAccuracy);
        Assert.Equal(("ReLU347_Output_0", 1), (report.Boundary, report.Stages));
        Assert.Equal(13_114_368, report.TrainedWeights);
        Assert.InRange(report.VerifiedDifference, 0, BackboneTuning.Tolerance);
        Assert.True(report.ImagesPerSecond > 0);
        Assert.NotNull(Classifier.Backbone.FineTunedSha256);
        Assert.NotNull(Classifier.NoveltyThreshold);
    }

    [TorchFact]
    public void The_history_goes_on_from_the_head_s_epochs_into_the_fine_tuning_ones()
    {
        var history = Result.Report.History;

        Assert.Equal([1, 2, 3, 4], history.Select(e => e.Epoch));
        Assert.Equal(["head", "head", "fine-tuning", "fine-tuning"], history.Select(e => e.Phase));
        Assert.Equal(Result.Report.FineTuning!.BestEpoch, history.MinBy(e => e.Phase == "head" ? double.MaxValue : e.ValidationLoss!.Value)!.Epoch);
    }

    [TorchFact]
    public async Task A_saved_fine_tuned_model_loads_and_predicts_exactly_the_same()
    {
        var path = run.Folder.Combine("tuned.model");
        Classifier.Save(path);
        using var loaded = TransferClassifier.Load(path);

        Assert.Equal(6, ModelFile.Read(path).Manifest.FormatVersion);
        Assert.Equal(Classifier.Backbone.FineTunedSha256, loaded.Backbone.FineTunedSha256);
        var predictions = new Dictionary<string, float[]>();
        foreach (var image in TestFiles(perClass: 2))
        {
            var (expected, actual) = (await Classifier.PredictAsync(image), await loaded.PredictAsync(image));
            Assert.Equal(expected.Scores.Select(s => s.Probability), actual.Scores.Select(s => s.Probability));
            Assert.Equal(expected.Novelty, actual.Novelty);
            predictions[image] = [.. expected.Scores.OrderBy(s => s.Label, StringComparer.Ordinal).Select(s => s.Probability)];
        }
        // .ci/run-torch-tests.sh asks for the model and these answers, to check them on a host without LibTorch.
        if (Environment.GetEnvironmentVariable("FINE_TUNED_MODEL_OUT") is { Length: > 0 } folder)
        {
            File.Copy(path, Path.Combine(folder, "model.zip"), overwrite: true);
            await File.WriteAllTextAsync(Path.Combine(folder, "predictions.json"), System.Text.Json.JsonSerializer.Serialize(predictions));
        }
    }

    [TorchFact]
    public async Task The_fine_tuned_backbone_gives_other_features_than_the_published_one_and_caches_them_apart()
    {
        var image = TestFiles(perClass: 1)[0];
        using var published = BottleneckFeaturizer.Create(BackboneCatalog.ResNet18, new FeaturizerOptions { CacheDirectory = null });
        var tuned = Classifier.Featurizer;

        var (before, after) = ((await published.FeaturizeAsync([image])).Features[0]!, (await tuned.FeaturizeAsync([image])).Features[0]!);

        Assert.True(before.Zip(after).Max(p => Math.Abs(p.First - p.Second)) > 1e-3);
        Assert.NotEqual(published.Fingerprint, tuned.Fingerprint);
        Assert.Contains($"tuned={Classifier.Backbone.FineTunedSha256}", tuned.Fingerprint);
    }

    [TorchFact]
    public void Its_export_runs_the_fine_tuned_backbone_and_equals_predict_within_1e4()
    {
        var path = run.Folder.Combine("tuned.onnx");
        Classifier.ExportOnnx(path);
        using var session = new InferenceSession(path);

        // The garments are grayscale PNGs; the file takes RGB pixels, so both are given the same RGB image.
        foreach (var garment in TestFiles(perClass: 1).Select(File.ReadAllBytes))
        {
            using var decoded = ImageDecoder.Decode(garment, Classifier.Backbone.InputSize);
            using var rgba = decoded.Copy(SKColorType.Rgba8888);
            var image = rgba.Encode(SKEncodedImageFormat.Png, 100).ToArray();
            var pixels = ImageDecoder.PixelBytes(rgba);
            var rgb = new byte[rgba.Width * rgba.Height * 3];
            for (var i = 0; i < rgba.Width * rgba.Height; i++) pixels.Slice(i * 4, 3).CopyTo(rgb.AsSpan(i * 3));
            using var results = session.Run(
                [NamedOnnxValue.CreateFromTensor("image", new DenseTensor<byte>(rgb, [1, rgba.Height, rgba.Width, 3]))],
                ["probabilities"]);
            var exported = results[0].AsEnumerable<float>().ToArray();
            var expected = Classifier.Predict(image).Scores.Select(s => s.Probability).ToArray();
            Assert.All(expected.Zip(exported), p => Assert.Equal(p.First, p.Second, 1e-4));
        }
    }

    [TorchFact]
    public void Explain_runs_the_fine_tuned_backbone_and_agrees_with_predict()
    {
        var image = File.ReadAllBytes(TestFiles(perClass: 1)[0]);

        var explanation = Classifier.Explain(image);

        Assert.Equal(Classifier.Predict(image).Scores.Select(s => s.Probability), explanation.Prediction.Scores.Select(s => s.Probability));
        Assert.Equal((7, 7), (explanation.Heatmap.Width, explanation.Heatmap.Height));
        Assert.All(explanation.Heatmap.Values.ToArray(), v => Assert.True(float.IsFinite(v)));
    }

    [TorchFact]
    public async Task Int8_calibration_on_the_fine_tuned_backbone_fuses_every_convolution()
    {
        var spec = Classifier.Backbone;
        var calibration = await BackboneQuantizer.CalibrateAsync(spec, TestFiles(perClass: 2));
        var (bytes, sha256) = BackboneRunner.ReadModel(spec, null);
        var rewrite = OnnxGraphRewriter.ToFeatureExtractor(bytes, spec);

        var fusion = FusionCount.Of(BackboneQuantizer.Build(rewrite, sha256, spec, calibration));

        var convolutions = Onnx.ModelProto.Parser.ParseFrom(rewrite.Model).Graph.Node.Count(n => n.OpType == "Conv");
        Assert.Equal((convolutions, 0), (fusion.IntegerConvolutions, fusion.FloatConvolutions));
    }

    [TorchFact]
    public async Task The_same_images_and_seed_give_the_same_fine_tuned_weights()
    {
        var again = await new TransferClassifierBuilder()
            .WithImages(run.Images)
            .WithFeaturizer(o => new(o) { CacheDirectory = null, HorizontalFlip = true })
            .WithHead(new HeadOptions { Epochs = 2, HiddenLayers = [] })
            .WithFineTuning(new FineTuningOptions { Epochs = 2 })
            .TrainAsync();
        using var classifier = again.Classifier;

        Assert.Equal(Classifier.Backbone.FineTunedSha256, classifier.Backbone.FineTunedSha256);
        Assert.Equal(((DenseHead)Classifier.Head).Parameters.ToArray(), ((DenseHead)classifier.Head).Parameters.ToArray());
    }

    [TorchFact]
    public async Task A_fine_tuning_that_does_worse_returns_the_frozen_model_and_says_so()
    {
        var result = await new TransferClassifierBuilder()
            .WithImages(run.Images)
            .WithFeaturizer(o => new(o) { CacheDirectory = null })
            .WithHead(new HeadOptions { HiddenLayers = [] })
            .WithFineTuning(new FineTuningOptions { Epochs = 1, BackboneLearningRate = 1, HeadLearningRate = 1, WarmupShare = 0 })
            .TrainAsync();
        using var classifier = result.Classifier;

        Assert.False(result.Report.FineTuning!.Helped);
        Assert.Equal(0, result.Report.FineTuning.BestEpoch);
        Assert.Null(classifier.Backbone.FineTunedSha256);
        Assert.Equal(result.Report.FineTuning.FrozenTest!.Accuracy, result.Report.Test!.Accuracy);
        Assert.Contains(result.Report.Warnings, w => w.StartsWith("Fine-tuning did not help", StringComparison.Ordinal));
    }
}
