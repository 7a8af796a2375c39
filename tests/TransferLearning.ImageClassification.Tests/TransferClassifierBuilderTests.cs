using CsCheck;
using TransferLearning.ImageClassification.Backbones;
using TransferLearning.ImageClassification.Classification;
using TransferLearning.ImageClassification.Data;
using TransferLearning.ImageClassification.Downloads;
using TransferLearning.ImageClassification.Features;
using TransferLearning.ImageClassification.Preprocessing;
using TransferLearning.ImageClassification.Head;
using TransferLearning.ImageClassification.Tests.Support;

namespace TransferLearning.ImageClassification.Tests;

public class TransferClassifierBuilderTests
{
    [Fact]
    public async Task A_run_with_broken_images_trains_on_the_rest_and_reports_each_skipped_file()
    {
        using var folder = TestImages.NewFolder();
        TestImages.CopyAssets(folder.Combine("data"), classes: 2, perClass: 10);
        var broken = new[] { "Ankle_boot/broken.png", "Ankle_boot/empty.jpg", "Bag/text.gif" }
            .Select((name, i) => folder.Write(Path.Combine("data", name), i == 1 ? [] : "not an image"u8.ToArray())).ToArray();
        var epochs = new List<EpochMetrics>();

        var result = await new TransferClassifierBuilder()
            .WithImages(folder.Combine("data"))
            .WithFeaturizer(o => new(o) { CacheDirectory = folder.Combine("cache") })
            .WithHead(new HeadOptions { Epochs = 5 })
            .OnEpoch(epochs.Add)
            .TrainAsync();
        using var classifier = result.Classifier;

        var report = result.Report;
        Assert.Equal(3, report.Counts.Skipped);
        Assert.Equal(broken.Order(), report.Skipped.Select(s => s.Path).Order());
        Assert.Equal(20, report.Counts.Train + report.Counts.Validation + report.Counts.Test);
        Assert.Equal(report.History, epochs);
        Assert.Equal(["Ankle_boot", "Bag"], classifier.Classes);
    }

    [Fact]
    public async Task A_folder_of_hundreds_of_fuzzed_images_trains_to_completion_and_accounts_for_every_file()
    {
        using var folder = TestImages.NewFolder();
        TestImages.CopyAssets(folder.Combine("data"), classes: 2, perClass: 15);
        var mutants = Check.Single(Mutations.Of(Mutations.ImageSeeds).Array[300]);
        for (var i = 0; i < mutants.Length; i++)
            folder.Write(Path.Combine("data", i % 2 == 0 ? "Ankle_boot" : "Bag", $"mutant{i:D3}{Extensions[i % Extensions.Length]}"), mutants[i]);
        var tiny = TinyOnnx.Backbone(folder, features: 8);

        var result = await new TransferClassifierBuilder()
            .WithImages(folder.Combine("data"))
            .WithFeaturizer(o => new(o) { CacheDirectory = null })
            .WithBackbone(tiny)
            .WithHead(new HeadOptions { Epochs = 2 })
            .TrainAsync();
        using var classifier = result.Classifier;

        var counts = result.Report.Counts;
        Assert.Equal(330, counts.Train + counts.Validation + counts.Test + counts.Skipped);
        Assert.True(counts.Skipped > 50, $"only {counts.Skipped} of 300 mutants were skipped");
        Assert.All(result.Report.Skipped, s => Assert.False(string.IsNullOrWhiteSpace(s.Reason), s.Path));
        Assert.All(result.Report.Skipped, s => Assert.Contains("mutant", s.Path));
    }

    private static readonly string[] Extensions = [".jpg", ".png", ".gif", ".webp", ".bmp"];

    [Fact]
    public async Task Asking_for_a_gpu_with_fallback_changes_nothing_in_the_results_on_a_cpu_machine()
    {
        using var folder = TestImages.NewFolder();
        TestImages.CopyAssets(folder.Combine("data"), classes: 2, perClass: 10);
        TransferClassifierBuilder Builder() => new TransferClassifierBuilder()
            .WithImages(folder.Combine("data"))
            .WithFeaturizer(o => new(o) { CacheDirectory = null })
            .WithHead(new HeadOptions { Epochs = 5 });

        var cpu = await Builder().TrainAsync();
        var gpu = await Builder().WithFeaturizer(o => new(o) { Device = ExecutionDevice.Cuda(0, fallbackToCpu: true) }).TrainAsync();
        using (cpu.Classifier)
        using (gpu.Classifier)
        {
            Assert.Equal("cpu", gpu.Report.Device);
            SameJson.Equal(cpu.Report.History, gpu.Report.History);
            Assert.Equal((cpu.Report.Test!.Accuracy, cpu.Report.Test.LogLoss), (gpu.Report.Test!.Accuracy, gpu.Report.Test.LogLoss));
            Assert.True(((DenseHead)cpu.Classifier.Head).Parameters.SequenceEqual(((DenseHead)gpu.Classifier.Head).Parameters));
        }
    }

    [Fact]
    public async Task The_article_s_160x160_input_trains_and_the_saved_model_remembers_it()
    {
        using var folder = TestImages.NewFolder();
        TestImages.CopyAssets(folder.Combine("data"), classes: 2, perClass: 8);

        var result = await new TransferClassifierBuilder()
            .WithImages(folder.Combine("data"))
            .WithImageSize(160, 160)
            .WithFeaturizer(o => new(o) { CacheDirectory = null })
            .WithHead(new HeadOptions { Epochs = 3 })
            .TrainAsync();
        using var classifier = result.Classifier;
        classifier.Save(folder.Combine("model.zip"));
        using var loaded = TransferClassifier.Load(folder.Combine("model.zip"));

        Assert.Equal("160x160", result.Report.ImageSize);
        Assert.Equal(new ImageSize(160, 160), loaded.Backbone.InputSize);
        var image = Directory.GetFiles(folder.Combine("data"), "*.png", SearchOption.AllDirectories)[0];
        var bytes = File.ReadAllBytes(image);
        SameScores.Equal(classifier.Predict(bytes).Scores, loaded.Predict(bytes).Scores);
    }

    [Fact]
    public async Task Any_onnx_classifier_is_a_backbone_and_a_catalogue_style_one_downloads_on_first_use()
    {
        using var folder = TestImages.NewFolder();
        TestImages.CopyAssets(folder.Combine("data"), classes: 2, perClass: 6);
        var model = TinyOnnx.Classifier("pixels", "pooled", 16, FeatureProducer.GlobalAveragePool);
        using var server = new LoopbackServer((context, _) => LoopbackServer.ServeAsync(context, model));
        var custom = new BackboneSpec(BackboneSpec.FromOnnxFile(folder.Write("tiny.onnx", model), new ImageSize(224, 224), PixelNormalization.Torch))
        {
            ModelPath = null,
            Download = new ModelDownload(server.Url("tiny.onnx"), model.Length, "tiny.onnx"),
        };
        var downloads = new List<DownloadProgress>();

        var result = await new TransferClassifierBuilder()
            .WithImages(folder.Combine("data"))
            .WithBackbone(custom)
            .WithFeaturizer(o => new(o)
            {
                ModelStore = new ModelStore(new ModelStoreOptions { Directory = folder.Combine("models") }),
                CacheDirectory = null,
            })
            .WithDownloadProgress(new SynchronousProgress<DownloadProgress>(downloads.Add))
            .WithHead(new HeadOptions { Epochs = 2 })
            .TrainAsync();
        using var classifier = result.Classifier;

        Assert.Equal(16, classifier.Head.FeatureSize);
        Assert.True(File.Exists(folder.Combine("models/tiny.onnx")));
        Assert.Equal(model.Length, downloads[^1].BytesReceived);
    }

    [Fact]
    public async Task An_ml_net_trainer_is_the_head_through_the_same_api_and_saves_too()
    {
        using var folder = TestImages.NewFolder();
        TestImages.CopyAssets(folder.Combine("data"), classes: 3, perClass: 10);

        var result = await new TransferClassifierBuilder()
            .WithImages(folder.Combine("data"))
            .WithFeaturizer(o => new(o) { CacheDirectory = folder.Combine("cache") })
            .WithHead(MLNetHeadOptions.LbfgsMaximumEntropy)
            .TrainAsync();
        using var classifier = result.Classifier;
        classifier.Save(folder.Combine("model.zip"));
        using var loaded = TransferClassifier.Load(folder.Combine("model.zip"));

        Assert.IsType<MLNetHead>(classifier.Head);
        Assert.Null(result.Report.Initial);
        Assert.Empty(result.Report.History);
        Assert.NotNull(result.Report.Test);
        var image = File.ReadAllBytes(Directory.GetFiles(folder.Combine("data"), "*.png", SearchOption.AllDirectories)[0]);
        SameScores.Equal(classifier.Predict(image).Scores, loaded.Predict(image).Scores);
    }

    [Fact]
    public void Build_checks_the_choices_once_up_front()
    {
        Assert.Throws<InvalidOperationException>(() => new TransferClassifierBuilder().Build());
        Assert.Throws<DatasetException>(() => new TransferClassifierBuilder().WithImages("/no/such/folder").Build());
        Assert.Throws<ArgumentOutOfRangeException>(() => new TransferClassifierBuilder().WithImageSize(16, 16));
        Assert.Throws<ArgumentException>(() => new TransferClassifierBuilder().WithImages(TestImages.Train).WithFeaturizer(o => new(o) { BatchSize = 0 }).Build());
        Assert.Throws<ArgumentException>(() => new TransferClassifierBuilder().WithBackbone("vgg99"));
    }

    [Fact]
    public void Featurizer_settings_change_the_builder_s_own_so_the_feature_cache_stays_on_unless_turned_off()
    {
        var builder = new TransferClassifierBuilder().WithImages(TestImages.Train);

        var changed = builder.WithFeaturizer(o => new(o) { BatchSize = 8 }).WithFeaturizer(o => new(o) { HorizontalFlip = true }).Build();
        var uncached = builder.WithFeaturizer(o => new(o) { CacheDirectory = null }).Build();

        var featurizer = changed.Settings.Featurizer;
        Assert.Equal((8, true, FeaturizerOptions.DefaultCacheDirectory), (featurizer.BatchSize, featurizer.HorizontalFlip, featurizer.CacheDirectory));
        Assert.Null(uncached.Settings.Featurizer.CacheDirectory);
        Assert.Throws<ArgumentException>(() => builder.WithFeaturizer(_ => null!));
    }

    [Fact]
    public async Task Test_images_with_an_unknown_class_are_refused()
    {
        using var folder = TestImages.NewFolder();
        folder.Write("test/Unicorn/a.png", [1]);
        folder.Write("test/Bag/a.png", [1]);

        var trainer = new TransferClassifierBuilder().WithImages(TestImages.Train).WithTestImages(folder.Combine("test")).Build();

        var error = await Assert.ThrowsAsync<DatasetException>(() => trainer.TrainAsync());
        Assert.Contains("Unicorn", error.Message);
    }
}
