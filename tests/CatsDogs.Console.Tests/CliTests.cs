using System.Text.Json;
using CatsDogs.Console;
using CatsDogs.Console.Tests.Support;
using TransferLearning.ImageClassification.Tests.Support;

namespace CatsDogs.Console.Tests;

/// <summary>The CLI end to end on a small slice of the bundled images: train → report → evaluate → predict.</summary>
[Collection(CliRun.Collection)]
public sealed class CliTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("catsdogs-cli-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private string CopySlice(string part, int classes, int perClass)
    {
        var target = Path.Combine(_root, part);
        TestImages.CopyAssets(target, classes, perClass, from: part == "test" ? TestImages.Test : TestImages.Train);
        return target;
    }

    [Fact]
    public async Task Featurize_two_shards_then_train_on_them()
    {
        var data = CopySlice("train", classes: 2, perClass: 12);
        var features = Path.Combine(_root, "features");
        string[] Shard(int k) => ["featurize", "--data", data, "--backbone", "resnet18", "--image-size", "64", "--shard", $"{k}/2", "--out", features, "--cache", Path.Combine(_root, "cache")];

        // One after the other here, as RunAsync swaps the process's console; FeatureShardsTests runs shards concurrently.
        (int Code, string Output)[] shards = [await CliRun.RunAsync(Shard(0)), await CliRun.RunAsync(Shard(1))];
        var (code, output) = await CliRun.RunAsync("train", "--features", features, "--out", Path.Combine(_root, "out"));

        Assert.All(shards, s => Assert.Equal(0, s.Code));
        Assert.Equal(0, code);
        Assert.Contains("from 2 shard files", output, StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(_root, "out", "model.zip")));
        Assert.NotEqual(0, (await CliRun.RunAsync("train", "--features", features, "--data", data)).Code);
    }

    [Fact]
    public async Task Train_writes_a_model_and_a_report_that_evaluate_and_predict_use()
    {
        var train = CopySlice("train", classes: 2, perClass: 12);
        var test = CopySlice("test", classes: 2, perClass: 5);
        File.WriteAllText(Path.Combine(train, "Ankle_boot", "broken.png"), "not an image");
        File.WriteAllBytes(Path.Combine(train, "Bag", "huge.png"), HostileImages.PngClaiming(60000, 60000));
        var (output, cache) = (Path.Combine(_root, "out"), Path.Combine(_root, "cache"));

        var (code, _) = await CliRun.RunAsync("train", "--data", train, "--test-data", test, "--out", output, "--cache", cache, "--seed", "3");

        Assert.Equal(0, code);
        using var report = JsonDocument.Parse(File.ReadAllText(Path.Combine(output, "report.json")));
        var root = report.RootElement;
        Assert.Equal("resnet18-layer3", root.GetProperty("backbone").GetString());
        Assert.Equal("224x224", root.GetProperty("imageSize").GetString());
        Assert.Equal(10, root.GetProperty("counts").GetProperty("test").GetInt32());
        Assert.Equal(2, root.GetProperty("counts").GetProperty("skipped").GetInt32());
        Assert.EndsWith("broken.png", root.GetProperty("skipped")[0].GetProperty("path").GetString());
        Assert.Contains("60000x60000", root.GetProperty("skipped")[1].GetProperty("reason").GetString());
        foreach (var field in new[] { "accuracy", "logLoss" }) Assert.True(root.GetProperty("initial").TryGetProperty(field, out _), field);
        foreach (var field in new[] { "accuracy", "macroAccuracy", "logLoss", "perClass", "confusionMatrix", "mostConfused", "binary" })
            Assert.True(root.GetProperty("test").TryGetProperty(field, out _), field);
        var epoch = root.GetProperty("history")[0];
        foreach (var field in new[] { "epoch", "trainLoss", "trainAccuracy", "validationLoss", "validationAccuracy" })
            Assert.True(epoch.TryGetProperty(field, out _), field);
        foreach (var field in new[] { "featurizeSeconds", "featurizeImagesPerSecond", "trainSeconds" })
            Assert.True(root.GetProperty("timings").TryGetProperty(field, out _), field);
        var threshold = root.GetProperty("novelty").GetProperty("threshold").GetSingle();
        Assert.True(float.IsFinite(threshold) && threshold > 0, $"novelty threshold {threshold}");

        foreach (var picture in new[] { "history.png", "confusion.png", "preview.png", "top-losses.png" })
            Assert.Equal([0x89, (byte)'P', (byte)'N', (byte)'G'], File.ReadAllBytes(Path.Combine(output, picture))[..4]);

        var evaluation = Path.Combine(_root, "evaluation.json");
        Assert.Equal(0, (await CliRun.RunAsync("evaluate", "--out", output, "--test-data", test, "--cache", cache, "--report", evaluation)).Code);
        using var evaluated = JsonDocument.Parse(File.ReadAllText(evaluation));
        Assert.True(File.Exists(Path.Combine(_root, "top-losses.png")), "evaluate writes top-losses.png beside its report");
        Assert.Equal(
            root.GetProperty("test").GetProperty("accuracy").GetDouble(),
            evaluated.RootElement.GetProperty("metrics").GetProperty("accuracy").GetDouble());

        var image = Directory.GetFiles(Path.Combine(test, "Bag"))[0];
        var (predictCode, json) = await CliRun.RunAsync("predict", "--out", output, "--json", "--top", "2", image);
        Assert.Equal(0, predictCode);
        using var predictions = JsonDocument.Parse(json);
        var prediction = predictions.RootElement[0];
        Assert.Equal(image, prediction.GetProperty("path").GetString());
        Assert.Contains(prediction.GetProperty("label").GetString(), new[] { "Ankle_boot", "Bag" });
        Assert.Equal(2, prediction.GetProperty("top").GetArrayLength());
        Assert.True(float.IsFinite(prediction.GetProperty("novelty").GetSingle()));
        Assert.Equal(threshold, prediction.GetProperty("noveltyThreshold").GetSingle());
        Assert.Equal(prediction.GetProperty("novelty").GetSingle() > threshold, prediction.GetProperty("unfamiliar").GetBoolean());

        // Images like none of the classes: flat colours and noise. predict says so; evaluate --unfamiliar measures it.
        var unfamiliar = Directory.CreateDirectory(Path.Combine(_root, "unfamiliar")).FullName;
        var noise = new byte[64 * 48 * 4];
        new Random(5).NextBytes(noise);
        foreach (var (name, pixels) in new[] { ("black", new byte[64 * 48 * 4]), ("white", Enumerable.Repeat((byte)255, 64 * 48 * 4).ToArray()), ("noise", noise) })
            File.WriteAllBytes(Path.Combine(unfamiliar, $"{name}.png"), TestImages.EncodePixels(SkiaSharp.SKEncodedImageFormat.Png, 64, 48, pixels));
        var (_, verdict) = await CliRun.RunAsync("predict", "--out", output, Path.Combine(unfamiliar, "noise.png"));
        Assert.Contains("unfamiliar image: novelty", verdict, StringComparison.Ordinal);
        Assert.Equal(0, (await CliRun.RunAsync("evaluate", "--out", output, "--test-data", test, "--cache", cache, "--report", evaluation, "--unfamiliar", unfamiliar)).Code);
        using (var withUnfamiliar = JsonDocument.Parse(File.ReadAllText(evaluation)))
        {
            var novelty = withUnfamiliar.RootElement.GetProperty("novelty");
            Assert.Equal(3, novelty.GetProperty("unfamiliar").GetInt32());
            Assert.InRange(novelty.GetProperty("areaUnderRocCurve").GetDouble(), 0.9, 1);
            Assert.True(novelty.TryGetProperty("falsePositiveRateAt95", out _));
        }

        var (mixedCode, mixed) = await CliRun.RunAsync("predict", "--out", output, "--json", image, Path.Combine(train, "Bag", "huge.png"), image);
        Assert.Equal(1, mixedCode);
        using var mixedRows = JsonDocument.Parse(mixed);
        Assert.Equal(prediction.GetProperty("label").GetString(), mixedRows.RootElement[2].GetProperty("label").GetString());
        Assert.Contains("60000x60000", mixedRows.RootElement[1].GetProperty("error").GetString());

        var onnx = Path.Combine(_root, "classifier.onnx");
        Assert.Equal(0, (await CliRun.RunAsync("export", "--out", output, "--onnx", onnx)).Code);
        using var session = new Microsoft.ML.OnnxRuntime.InferenceSession(onnx);
        Assert.Equal(["probabilities", "label", "novelty"], session.OutputMetadata.Keys);
        Assert.Equal("""["Ankle_boot","Bag"]""", session.ModelMetadata.CustomMetadataMap["classes"]);
    }

    [Fact]
    public async Task Train_fine_tune_without_libtorch_says_what_is_missing_before_any_image_is_read_and_writes_nothing()
    {
        var train = CopySlice("train", classes: 2, perClass: 3);
        var output = Path.Combine(_root, "tuned");
        if (TransferLearning.ImageClassification.FineTuning.LibTorch.IsAvailable(out var reason))
            Assert.Fail("This test checks the tool as packed, without LibTorch; this process can load it.");

        var (code, error) = await CliRun.RunCapturingErrorsAsync("train", "--data", train, "--fine-tune", "2", "--fine-tune-epochs", "3", "--out", output);

        Assert.Equal(2, code);
        Assert.Contains("--fine-tune needs LibTorch, and this tool does not carry it", error, StringComparison.Ordinal);
        Assert.Contains(reason, error, StringComparison.Ordinal);
        Assert.False(Directory.Exists(output));
        Assert.Contains("--fine-tune-epochs needs --fine-tune", (await CliRun.RunCapturingErrorsAsync("train", "--data", train, "--fine-tune-epochs", "3")).Error, StringComparison.Ordinal);
        Assert.Contains("cannot be used with --features or --precision int8", (await CliRun.RunCapturingErrorsAsync("train", "--data", train, "--fine-tune", "--precision", "int8")).Error, StringComparison.Ordinal);
        Assert.Contains("--fine-tune takes a number of stages", (await CliRun.RunCapturingErrorsAsync("train", "--data", train, "--fine-tune", "0")).Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Train_with_precision_int8_saves_an_int8_model_that_predict_runs_and_refuses_it_with_features()
    {
        var train = CopySlice("train", classes: 2, perClass: 10);
        var output = Path.Combine(_root, "int8");

        var (code, text) = await CliRun.RunAsync("train", "--data", train, "--precision", "int8", "--out", output, "--cache", Path.Combine(_root, "cache"));

        Assert.Equal(0, code);
        Assert.Contains("(int8, calibrated in", text, StringComparison.Ordinal);
        using (var report = JsonDocument.Parse(File.ReadAllText(Path.Combine(output, "report.json"))))
            Assert.Equal("int8", report.RootElement.GetProperty("precision").GetString());
        var image = Directory.GetFiles(Path.Combine(train, "Bag"))[0];
        var predicted = await CliRun.RunAsync("predict", "--model", Path.Combine(output, "model.zip"), "--json", image);
        Assert.Equal(0, predicted.Code);
        Assert.Contains("\"label\"", predicted.Output, StringComparison.Ordinal);
        var refused = await CliRun.RunCapturingErrorsAsync("train", "--features", Path.Combine(_root, "none"), "--precision", "int8");
        Assert.NotEqual(0, refused.Code);
        Assert.Contains("--precision int8 calibrates on images", refused.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Quantize_writes_an_int8_backbone_file_that_trains_as_a_custom_backbone()
    {
        var train = CopySlice("train", classes: 2, perClass: 10);
        var file = Path.Combine(_root, "resnet18-layer3-int8.onnx");

        var (code, text) = await CliRun.RunAsync("quantize", "--backbone", "resnet18-layer3", "--data", train, "--out", file, "--images", "8");
        var trained = await CliRun.RunAsync("train", "--data", train, "--backbone", file, "--normalization", "raw", "--out", Path.Combine(_root, "custom"), "--cache", Path.Combine(_root, "cache"));

        Assert.Equal(0, code);
        Assert.Contains("15 of 15 convolutions run as QLinearConv (0 left in float)", text, StringComparison.Ordinal);
        Assert.Equal(0, trained.Code);
        Assert.True(File.Exists(Path.Combine(_root, "custom", "model.zip")));
    }

    [Fact]
    public async Task Explain_writes_an_overlay_per_image_named_after_it_and_the_heatmaps_as_json()
    {
        var train = CopySlice("train", classes: 2, perClass: 12);
        var output = Path.Combine(_root, "out");
        Assert.Equal(0, (await CliRun.RunAsync("train", "--data", train, "--out", output, "--cache", Path.Combine(_root, "cache"))).Code);
        var images = Directory.GetFiles(Path.Combine(train, "Bag")).Order(StringComparer.Ordinal).Take(2).ToArray();
        var broken = Path.Combine(_root, "broken.png");
        File.WriteAllText(broken, "not an image");
        var overlays = Path.Combine(_root, "overlays");

        var (code, json) = await CliRun.RunAsync(["explain", "--model", Path.Combine(output, "model.zip"), "--out", overlays, "--json", .. images, broken]);

        Assert.Equal(1, code); // the broken file costs its own row only
        using var rows = JsonDocument.Parse(json);
        for (var i = 0; i < images.Length; i++)
        {
            var row = rows.RootElement[i];
            Assert.Contains(row.GetProperty("label").GetString(), new[] { "Ankle_boot", "Bag" });
            var heatmap = row.GetProperty("heatmap");
            Assert.Equal((14, 14, 196), (heatmap.GetProperty("width").GetInt32(), heatmap.GetProperty("height").GetInt32(), heatmap.GetProperty("values").GetArrayLength()));
            var overlay = Path.Combine(overlays, Path.GetFileNameWithoutExtension(images[i]) + ".png");
            Assert.Equal(overlay, row.GetProperty("overlay").GetString());
            Assert.Equal([0x89, (byte)'P', (byte)'N', (byte)'G'], File.ReadAllBytes(overlay)[..4]);
        }
        Assert.Contains("not a supported image format", rows.RootElement[2].GetProperty("error").GetString());
    }

    [Theory]
    [InlineData("--gpu takes a CUDA device number", "predict", "--gpu", "abc", "x.png")]
    [InlineData("--top must be 1 or more", "predict", "--top", "0", "x.png")]
    [InlineData("--top must be 1 or more", "predict", "--top", "-1", "x.png")]
    [InlineData("--image-size must be between 32 and 1024", "train", "--image-size", "100000")]
    [InlineData("--image-size must be between 32 and 1024", "compare", "--image-size", "8")]
    public async Task Numbers_out_of_range_are_refused_before_any_work(string reason, params string[] args)
    {
        var (code, error) = await CliRun.RunCapturingErrorsAsync(args);

        Assert.NotEqual(0, code);
        Assert.Contains(reason, error);
    }

    [Theory]
    [InlineData("--out", "a-file", "is a file; give a folder")]
    [InlineData("--report", "a-folder", "is a folder; give a file path")]
    public async Task An_output_path_that_cannot_be_written_fails_before_featurizing(string option, string target, string reason)
    {
        var train = CopySlice("train", classes: 2, perClass: 2);
        File.WriteAllText(Path.Combine(_root, "a-file"), "");
        Directory.CreateDirectory(Path.Combine(_root, "a-folder"));
        var cache = Path.Combine(_root, "cache");
        string[] output = option == "--out" ? [] : ["--out", Path.Combine(_root, "out")];

        var (code, error) = await CliRun.RunCapturingErrorsAsync(["train", "--data", train, "--cache", cache, option, Path.Combine(_root, target), .. output]);

        Assert.Equal(2, code);
        Assert.Contains(reason, error);
        Assert.False(Directory.Exists(cache), "featurizing started");
    }

    [Fact]
    public async Task A_hostile_model_file_is_a_one_line_error()
    {
        var model = Path.Combine(_root, "hostile.zip");
        using (var zip = System.IO.Compression.ZipFile.Open(model, System.IO.Compression.ZipArchiveMode.Create))
        using (var writer = new StreamWriter(zip.CreateEntry("model.json").Open()))
            writer.Write("""{"formatVersion":2,"backbone":"resnet18","backboneSha256":null,"classes":["a","a"],"layerSizes":[512,2]}""");

        var (code, error) = await CliRun.RunCapturingErrorsAsync("predict", "--model", model, "x.png");

        Assert.Equal(2, code);
        Assert.Contains($"'{model}' is not a usable model file: 'backboneSha256'", error);
        Assert.Single(error.Trim().Split('\n'));
    }

    [Fact]
    public async Task A_missing_model_is_a_one_line_error_not_a_stack_trace()
    {
        var missing = Path.Combine(_root, "missing.zip");

        var (code, error) = await CliRun.RunCapturingErrorsAsync("predict", "--model", missing, "x.png");

        Assert.Equal(2, code);
        Assert.Contains(missing, error);
        Assert.DoesNotContain(" at ", error);
    }

    [Fact]
    public async Task Gpu_without_cpu_fallback_on_a_machine_without_cuda_says_what_is_missing()
    {
        var train = CopySlice("train", classes: 2, perClass: 2);

        var (code, error) = await CliRun.RunCapturingErrorsAsync("train", "--data", train, "--gpu", "--out", Path.Combine(_root, "out"), "--cache", Path.Combine(_root, "cache"));

        Assert.Equal(2, code);
        Assert.Contains("CUDA device 0", error);
        Assert.Contains("Microsoft.ML.OnnxRuntime.Gpu.Linux", error);
    }

    [Fact]
    public async Task Backbones_lists_the_catalogue_and_says_what_is_downloaded()
    {
        var (code, output) = await CliRun.RunAsync("backbones", "--models", Path.Combine(_root, "models"));

        Assert.Equal(0, code);
        foreach (var name in new[] { "resnet18", "vgg16", "googlenet", "resnet50v2", "resnet101v2", "mobilenetv2" })
            Assert.Contains(name, output);
    }

    [Fact]
    public async Task Download_of_an_unknown_backbone_lists_the_known_ones()
    {
        var (code, error) = await CliRun.RunCapturingErrorsAsync("download", "vgg99", "--models", Path.Combine(_root, "models"));

        Assert.Equal(2, code);
        Assert.Contains("vgg16", error);
    }

    [Fact]
    public async Task A_custom_onnx_backbone_with_an_unknown_normalization_is_refused()
    {
        var (code, error) = await CliRun.RunCapturingErrorsAsync("train", "--backbone", "model.onnx", "--normalization", "yolo");

        Assert.NotEqual(0, code);
        Assert.Contains("yolo", error);
    }

    [Fact]
    public async Task Compare_trains_every_backbone_and_head_on_one_split_and_writes_a_row_each_and_the_pictures()
    {
        var train = CopySlice("train", classes: 2, perClass: 10);
        var output = Path.Combine(_root, "out");

        var (code, printed) = await CliRun.RunAsync(
            "compare", "--data", train, "--backbones", "resnet18,resnet18-layer3", "--heads", "dense,lbfgs-maxent",
            "--out", output, "--cache", Path.Combine(_root, "cache"));

        Assert.Equal(0, code);
        var lines = System.Text.RegularExpressions.Regex.Replace(printed, "\u001b\\[[0-9;]*m", "").Split('\n'); // visible text, without colour codes
        Assert.All(lines, line => Assert.True(line.TrimEnd().Length <= 80, $"{line.TrimEnd().Length} columns: {line}"));
        Assert.Contains(lines, line => line.Contains("resnet18-layer3") && line.Contains("lbfgs-maxent"));
        using var report = JsonDocument.Parse(File.ReadAllText(Path.Combine(output, "comparison.json")));
        var entries = report.RootElement.GetProperty("entries").EnumerateArray().ToArray();
        Assert.Equal(
            ["resnet18/dense", "resnet18/lbfgs-maxent", "resnet18-layer3/dense", "resnet18-layer3/lbfgs-maxent"],
            entries.Select(e => $"{e.GetProperty("report").GetProperty("backbone").GetString()}/{e.GetProperty("report").GetProperty("head").GetString()}"));
        foreach (var entry in entries)
            foreach (var field in new[] { "featureSize", "backboneBytes", "headBytes", "report" })
                Assert.True(entry.TryGetProperty(field, out _), field);
        Assert.Single(entries.Select(e => e.GetProperty("report").GetProperty("counts").GetProperty("test").GetInt32()).Distinct());
        Assert.True(File.Exists(Path.Combine(output, "comparison.png")));
        Assert.True(File.Exists(Path.Combine(output, "history-resnet18-layer3-dense.png")));
    }
}
