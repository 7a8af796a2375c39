using TransferLearning.ImageClassification.Backbones;
using TransferLearning.ImageClassification.Classification;
using TransferLearning.ImageClassification.Head;
using TransferLearning.ImageClassification.Preprocessing;
using TransferLearning.ImageClassification.Tests.Support;

namespace TransferLearning.ImageClassification.Tests.Classification;

[Collection(TrainedOnAssets.Name)]
public class TransferClassifierTests(TrainedOnAssetsFixture trained)
{
    private static string[] SomeTestImages(int count) =>
        Directory.GetDirectories(TestImages.Test).Order(StringComparer.Ordinal)
            .SelectMany(d => Directory.GetFiles(d).Order(StringComparer.Ordinal).Take(2)).Take(count).ToArray();

    [Fact]
    public void ResNet18_with_the_default_head_reaches_the_accuracy_bar_on_the_bundled_split()
    {
        var report = trained.Result.Report;

        Assert.True(report.Test!.Accuracy >= 0.86, $"test accuracy {report.Test.Accuracy:F4}");
        Assert.True(report.Initial!.Accuracy < 0.3, $"untrained accuracy {report.Initial.Accuracy:F4}");
        Assert.Equal((1780, 220, 1000, 0), (report.Counts.Train, report.Counts.Validation, report.Counts.Test, report.Counts.Skipped));
        Assert.Equal(10, report.Test.PerClass.Count);
        Assert.Equal(1000, report.Test.ConfusionMatrix.Sum(row => row.Sum()));
    }

    [Fact]
    public void Images_nothing_like_the_training_ones_get_finite_probabilities_that_sum_to_1()
    {
        // Trained on 28x28 greyscale clothes; shown colour noise, a colour photo-sized gradient, pure white and black.
        var noise = new byte[640 * 480 * 4];
        new Random(7).NextBytes(noise);
        byte[][] images =
        [
            TestImages.EncodePixels(SkiaSharp.SKEncodedImageFormat.Jpeg, 640, 480, noise),
            TestImages.Encode(SkiaSharp.SKEncodedImageFormat.Jpeg, 1024, 768, seed: 200),
            TestImages.EncodePixels(SkiaSharp.SKEncodedImageFormat.Png, 300, 200, Enumerable.Repeat((byte)255, 300 * 200 * 4).ToArray()),
            TestImages.EncodePixels(SkiaSharp.SKEncodedImageFormat.Png, 300, 200, new byte[300 * 200 * 4]),
        ];

        foreach (var image in images)
        {
            var prediction = trained.Result.Classifier.Predict(image);
            Assert.All(prediction.Scores, s => Assert.InRange(s.Probability, 0f, 1f));
            Assert.Equal(1.0, prediction.Scores.Sum(s => s.Probability), 4);
        }
    }

    [Fact]
    public void A_model_saved_with_skia_sharp_s_resizing_loads_with_a_warning_that_retraining_removes()
    {
        using var folder = TestImages.NewFolder();
        var (old, current) = (folder.Combine("old.zip"), folder.Combine("current.zip"));
        trained.Result.Classifier.Save(old);
        trained.Result.Classifier.Save(current);
        ModelFileTests.TamperManifest(old, m =>
        {
            m["formatVersion"] = 2;
            m.Remove("preprocessingVersion");
            m.Remove("novelty"); // format 2 had no novelty detector
        });
        var logger = new ListLogger();

        using (TransferClassifier.Load(current, logger: logger)) Assert.Empty(logger.Entries);
        using var loaded = TransferClassifier.Load(old, logger: logger);

        var warning = Assert.Single(logger.Entries, e => !e.Message.Contains("no novelty detector"));
        Assert.Contains("may shift slightly", warning.Message);
        Assert.Contains("Retraining removes this warning", warning.Message);
        var image = File.ReadAllBytes(SomeTestImages(1)[0]);
        SameScores.Equal(trained.Result.Classifier.Predict(image).Scores, loaded.Predict(image).Scores);
    }

    [Fact]
    public async Task The_default_head_beats_ml_net_s_lbfgs_maximum_entropy_on_the_same_cached_features()
    {
        var comparison = await trained.NewBuilder()
            .BuildExperiment([BackboneCatalog.ResNet18Layer3], [new HeadOptions(), MLNetHeadOptions.LbfgsMaximumEntropy])
            .RunAsync();

        var (dense, lbfgs) = (comparison.Entries[0].Report, comparison.Entries[1].Report);
        Assert.Equal(0, dense.Timings.ImagesComputed);
        Assert.Equal(trained.Result.Report.Test!.Accuracy, dense.Test!.Accuracy);
        Assert.True(dense.Test.Accuracy > lbfgs.Test!.Accuracy, $"default head {dense.Test.Accuracy:F4}, LbfgsMaximumEntropy {lbfgs.Test.Accuracy:F4}");
        Assert.True(dense.Test.LogLoss < lbfgs.Test.LogLoss);
    }

    [Fact]
    public async Task A_second_run_reuses_every_cached_feature_and_reports_the_same_numbers()
    {
        var again = await trained.NewBuilder().TrainAsync();
        using var classifier = again.Classifier;

        Assert.Equal(0, again.Report.Timings.ImagesComputed);
        Assert.Equal(trained.Result.Report.Test!.Accuracy, again.Report.Test!.Accuracy);
        SameJson.Equal(trained.Result.Report.History, again.Report.History);
    }

    [Fact]
    public async Task A_saved_and_loaded_model_predicts_exactly_as_before()
    {
        var path = Path.Combine(trained.ModelDirectory, "model.zip");
        var original = trained.Result.Classifier;
        original.Save(path);
        using var loaded = TransferClassifier.Load(path);
        var images = SomeTestImages(6);

        foreach (var image in images)
        {
            var before = await original.PredictAsync(image);
            var fromPath = await loaded.PredictAsync(image);
            await using var asyncStream = File.OpenRead(image);
            SameScores.Equal(before.Scores, fromPath.Scores);
            SameScores.Equal(before.Scores, (await loaded.PredictAsync(asyncStream)).Scores);
            SameScores.Equal(before.Scores, loaded.Predict(File.ReadAllBytes(image)).Scores);
        }
        Assert.Equal(original.Classes, loaded.Classes);
    }

    [Fact]
    public async Task Predictions_from_many_threads_equal_sequential_ones()
    {
        var classifier = trained.Result.Classifier;
        var images = SomeTestImages(8).Select(File.ReadAllBytes).ToArray();
        var sequential = images.Select(i => classifier.Predict(i).Scores).ToArray();

        var concurrent = await Task.WhenAll(Enumerable.Range(0, 32).Select(n => Task.Run(() => (n, classifier.Predict(images[n % images.Length]).Scores))));

        Assert.All(concurrent, r => SameScores.Equal(sequential[r.n % images.Length], r.Scores));
    }

    [Fact]
    public async Task A_batch_prediction_equals_one_at_a_time_and_names_the_top_classes()
    {
        var classifier = trained.Result.Classifier;
        var paths = SomeTestImages(5);

        var batch = await classifier.PredictBatchAsync(paths);

        for (var i = 0; i < paths.Length; i++)
        {
            var single = await classifier.PredictAsync(paths[i]);
            Assert.Equal(single.Label, batch[i].Prediction!.Label);
            Assert.All(single.Scores.Zip(batch[i].Prediction!.Scores), p => Assert.Equal(p.First.Probability, p.Second.Probability, 1e-4));
        }
        var top = batch[0].Prediction!.Top(3);
        Assert.Equal(batch[0].Prediction!.Label, top[0].Label);
        Assert.True(top[0].Probability >= top[1].Probability && top[1].Probability >= top[2].Probability);
    }

    [Fact]
    public async Task In_a_batch_a_bad_file_costs_only_its_own_answer_and_says_why()
    {
        var classifier = trained.Result.Classifier;
        using var folder = TestImages.NewFolder();
        var good = SomeTestImages(2);
        string[] paths =
        [
            good[0],
            folder.Write("huge.png", HostileImages.PngClaiming(60000, 60000)),
            folder.Write("text.png", "not an image"u8.ToArray()),
            folder.Combine("missing.png"),
            good[1],
        ];

        var batch = await classifier.PredictBatchAsync(paths);

        SameScores.Equal((await classifier.PredictAsync(good[0])).Scores, batch[0].Prediction!.Scores);
        SameScores.Equal((await classifier.PredictAsync(good[1])).Scores, batch[4].Prediction!.Scores);
        Assert.Contains("60000x60000", batch[1].Error);
        Assert.Contains("not a supported image format", batch[2].Error);
        Assert.Contains("cannot be read", batch[3].Error);
        Assert.All(batch.Skip(1).Take(3), r => Assert.False(r.Succeeded));
    }

    [Fact]
    public async Task A_stream_longer_than_the_file_limit_is_refused_before_it_is_all_read()
    {
        var endless = new EndlessStream();

        var error = await Assert.ThrowsAsync<ImageDecodeException>(() => trained.Result.Classifier.PredictAsync(endless));

        Assert.Contains("MaxFileBytes", error.Message);
        Assert.True(endless.Position <= ImageLimits.Default.MaxFileBytes + (1 << 20), $"read {endless.Position} bytes");
    }

    [Fact]
    public void Predicting_bytes_that_are_not_an_image_says_so()
    {
        Assert.Throws<ImageDecodeException>(() => trained.Result.Classifier.Predict("not an image"u8.ToArray()));
    }

    [Fact]
    public void Loading_where_the_backbone_is_missing_names_it()
    {
        var path = Path.Combine(trained.ModelDirectory, "model-missing-backbone.zip");
        trained.Result.Classifier.Save(path);

        var error = Assert.Throws<BackboneNotFoundException>(
            () => TransferClassifier.Load(path, new BackboneSpec(BackboneCatalog.ResNet18) { ModelPath = "/gone/ResNet18.onnx" }));
        Assert.Contains("resnet18", error.Message);
        Assert.Contains("/gone/ResNet18.onnx", error.Message);
    }

    [Fact]
    public void Loading_a_file_that_is_not_a_model_says_so()
    {
        var path = Path.Combine(trained.ModelDirectory, "not-a-model.zip");
        File.WriteAllText(path, "hello");

        var error = Assert.Throws<InvalidDataException>(() => TransferClassifier.Load(path));
        Assert.Contains(path, error.Message);
    }

    [Fact]
    public async Task Evaluating_the_loaded_model_on_the_test_folder_gives_the_reported_accuracy()
    {
        var result = await trained.Result.Classifier.EvaluateAsync(ImageClassification.Data.ImageDataset.FromFolder(TestImages.Test).Images);

        Assert.Equal(trained.Result.Report.Test!.Accuracy, result.Metrics.Accuracy);
    }
}
