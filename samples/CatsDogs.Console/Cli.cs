using System.CommandLine;
using System.Globalization;
using TransferLearning.ImageClassification.Backbones;
using TransferLearning.ImageClassification.Data;
using TransferLearning.ImageClassification.Downloads;
using TransferLearning.ImageClassification.Features;
using TransferLearning.ImageClassification.Quantization;
using TransferLearning.ImageClassification.Shards;

namespace CatsDogs.Console;

/// <summary>The command line. No arguments runs the main job: <c>train</c> with every default.</summary>
internal static class Cli
{
    public static RootCommand Create()
    {
        var data = new Option<DirectoryInfo?>("--data") { Description = "Folder with one sub-folder of images per class (default: the bundled assets/fashion-mnist/train)." };
        var testData = new Option<DirectoryInfo?>("--test-data") { Description = "Separate test folder; without it the test part comes from --data's split (with the bundled data: assets/fashion-mnist/test)." };
        var backbone = new Option<string>("--backbone") { Description = "Catalogue backbone (see `backbones`) or an .onnx classifier file.", DefaultValueFactory = _ => "resnet18-layer3" };
        var imageSize = new Option<int?>("--image-size") { Description = $"Square input size instead of the backbone's own, e.g. 160 as in the article ({BackboneSpec.MinInputSide}-{BackboneSpec.MaxInputSide})." };
        imageSize.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<int?>() is { } size and (< BackboneSpec.MinInputSide or > BackboneSpec.MaxInputSide))
                r.AddError($"--image-size must be between {BackboneSpec.MinInputSide} and {BackboneSpec.MaxInputSide} (got {size}).");
        });
        var normalization = new Option<string>("--normalization") { Description = "What an .onnx --backbone expects: torch, tf, caffe, or raw (0..255 RGB, as quantize's files).", DefaultValueFactory = _ => "torch" };
        normalization.AcceptOnlyFromAmong([.. BackboneChoice.Normalizations]);
        var models = new Option<DirectoryInfo?>("--models") { Description = $"Folder of downloaded backbones (default: ${TransferLearning.ImageClassification.Downloads.ModelStoreOptions.DirectoryVariable} or the user cache)." };
        var all = new Option<bool>("--all") { Description = "Every downloadable backbone." };
        var verify = new Option<bool>("--verify") { Description = "Also check each graph's cut: its features against the original graph's values at the cut." };
        var backbonesList = new Option<string>("--backbones") { Description = "Comma-separated backbones to compare (catalogue names or .onnx files).", DefaultValueFactory = _ => "resnet18,resnet18-layer3" };
        var heads = new Option<string>("--heads") { Description = $"Comma-separated heads to train on each backbone's features: {string.Join(", ", CompareCommand.Heads.Keys)}.", DefaultValueFactory = _ => "dense,lbfgs-maxent" };
        var names = new Argument<string[]>("backbones") { Description = "Catalogue names, e.g. vgg16 resnet101v2.", Arity = ArgumentArity.ZeroOrMore };
        var backboneOverride = new Option<string?>("--backbone") { Description = "Backbone to load the model with, a catalogue name or an .onnx file (default: the one the model names)." };
        var seed = new Option<int>("--seed") { Description = "Split and head seed.", DefaultValueFactory = _ => 42 };
        var cache = new Option<DirectoryInfo>("--cache") { Description = "Feature cache folder.", DefaultValueFactory = _ => new DirectoryInfo(FeaturizerOptions.DefaultCacheDirectory) };
        var output = new Option<DirectoryInfo>("--out") { Description = "Folder for the model and the report.", DefaultValueFactory = _ => new DirectoryInfo("out") };
        var report = new Option<FileInfo?>("--report") { Description = "JSON report path (default: <out>/report.json, <out>/evaluation.json for evaluate)." };
        var precision = new Option<string>("--precision")
        {
            Description = "Backbone precision: fp32, or int8 (static quantization calibrated on 256 training images; about 3x the images per second on CPUs with VNNI).",
            DefaultValueFactory = _ => "fp32",
        };
        precision.AcceptOnlyFromAmong("fp32", "int8");
        var flip = new Option<bool>("--flip") { Description = "Also featurize each image's mirror image: twice the training data and test-time averaging, twice the backbone work." };
        var model = new Option<FileInfo?>("--model") { Description = "Model file written by train (default: <out>/model.zip)." };
        var json = new Option<bool>("--json") { Description = "Machine-readable output." };
        var top = new Option<int>("--top") { Description = "Classes to show per image (1 or more).", DefaultValueFactory = _ => 1 };
        top.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<int>() < 1) r.AddError($"--top must be 1 or more (got {r.GetValueOrDefault<int>()}).");
        });
        var gpu = new Option<int?>("--gpu")
        {
            Description = "Run the backbone on CUDA device N (default 0); needs the GPU build (-p:OnnxRuntimeFlavor=Gpu). Fails naming what is missing unless --cpu-fallback.",
            Arity = ArgumentArity.ZeroOrOne,
            CustomParser = r =>
            {
                if (r.Tokens.Count == 0) return 0;
                if (int.TryParse(r.Tokens[0].Value, NumberStyles.None, CultureInfo.InvariantCulture, out var id)) return id;
                r.AddError($"--gpu takes a CUDA device number such as 0 (got '{r.Tokens[0].Value}').");
                return null;
            },
        };
        var cpuFallback = new Option<bool>("--cpu-fallback") { Description = "With --gpu: warn and use the CPU when CUDA is unusable." };
        var wide = new Option<bool>("--wide") { Description = "Every column: feature size, untrained scores, timings." };
        var images = new Argument<FileInfo[]>("images") { Description = "Image files to classify.", Arity = ArgumentArity.OneOrMore };
        var featureData = new Option<DirectoryInfo>("--data") { Description = "Folder with one sub-folder of images per class.", Required = true };
        var shard = new Option<Shard>("--shard")
        {
            Description = "Which shard to featurize, K/N with 0 <= K < N (a Kubernetes Indexed Job passes JOB_COMPLETION_INDEX as K).",
            DefaultValueFactory = _ => Shard.Whole,
            CustomParser = r =>
            {
                try
                {
                    return Shard.Parse(r.Tokens.Single().Value);
                }
                catch (FormatException e)
                {
                    r.AddError($"--shard: {e.Message}");
                    return null;
                }
            },
        };
        var featuresOut = new Option<DirectoryInfo>("--out") { Description = "Feature folder the shard file part-K-of-N.parquet is written to.", Required = true };
        var features = new Option<DirectoryInfo?>("--features") { Description = "Train on the shard files in this folder (written by featurize) instead of --data's images." };
        var testFeatures = new Option<DirectoryInfo?>("--test-features") { Description = "With --features: shard files of a separate test folder." };

        DataChoice Data(ParseResult r) => new(r.GetValue(data), r.GetValue(testData), r.GetValue(seed), r.GetValue(cache)!);
        ExecutionDevice Device(ParseResult r) => r.GetValue(gpu) is { } id ? ExecutionDevice.Cuda(id, r.GetValue(cpuFallback)) : ExecutionDevice.Cpu;
        FeaturizerOptions Runtime(ParseResult r) => new() { Device = Device(r), ModelDirectory = r.GetValue(models)?.FullName };
        FileInfo ModelPath(ParseResult r) => r.GetValue(model) ?? new FileInfo(Path.Combine(r.GetValue(output)!.FullName, "model.zip"));

        var train = new Command("train", "Featurize, train the head, evaluate before and after, save the model and a JSON report.")
        {
            data, testData, features, testFeatures, backbone, imageSize, normalization, models, seed, cache, output, report, flip, precision, gpu, cpuFallback,
        };
        train.Validators.Add(r =>
        {
            if (r.GetValue(features) is null && r.GetValue(testFeatures) is not null) r.AddError("--test-features needs --features.");
            if (r.GetValue(features) is not null && (r.GetValue(data) ?? r.GetValue(testData)) is not null) r.AddError("Give --features or --data/--test-data, not both.");
            if (r.GetValue(features) is not null && r.GetValue(flip)) r.AddError("--flip needs images; shard files hold one view per image.");
            if (r.GetValue(features) is not null && r.GetValue(precision) == "int8") r.AddError("--precision int8 calibrates on images; it cannot be used with --features.");
        });
        train.SetAction(Guarded((r, token) => r.GetValue(features) is { } featureFolder
            ? TrainCommand.RunOnFeaturesAsync(featureFolder, r.GetValue(testFeatures), r.GetValue(seed), Runtime(r), r.GetValue(output)!, r.GetValue(report), token)
            : TrainCommand.RunAsync(
                Data(r), BackboneChoice.Resolve(r.GetValue(backbone)!, r.GetValue(imageSize), r.GetValue(normalization)!),
                r.GetValue(flip), r.GetValue(precision) == "int8", Runtime(r), r.GetValue(output)!, r.GetValue(report), token)));

        var featurize = new Command("featurize", "Featurize one shard of --data into --out/part-K-of-N.parquet (path, label, sha256, features); run N shards side by side, then train --features.")
        {
            featureData, backbone, imageSize, normalization, shard, models, cache, featuresOut, gpu, cpuFallback,
        };
        featurize.SetAction(Guarded((r, token) => FeaturizeCommand.RunAsync(
            r.GetValue(featureData)!, BackboneChoice.Resolve(r.GetValue(backbone)!, r.GetValue(imageSize), r.GetValue(normalization)!),
            r.GetValue(shard)!, Runtime(r), r.GetValue(cache)!, r.GetValue(featuresOut)!, token)));

        var evaluate = new Command("evaluate", "Evaluate a saved model: on --test-data, else on the test part of --data's split (same --seed as train), else on the bundled test images.")
        {
            model, data, testData, backboneOverride, normalization, models, seed, cache, output, report, gpu, cpuFallback,
        };
        evaluate.SetAction(Guarded((r, token) => EvaluateCommand.RunAsync(
            ModelPath(r), Data(r), r.GetValue(backboneOverride) is { } name ? BackboneChoice.Resolve(name, null, r.GetValue(normalization)!) : null, Runtime(r), r.GetValue(report) ?? new FileInfo(Path.Combine(r.GetValue(output)!.FullName, "evaluation.json")), token)));

        var predict = new Command("predict", "Classify image files with a saved model.") { model, output, models, json, top, gpu, cpuFallback, images };
        predict.SetAction(Guarded((r, token) => PredictCommand.RunAsync(ModelPath(r), Runtime(r), r.GetValue(images)!, r.GetValue(json), r.GetValue(top), token)));

        var explanations = new Option<DirectoryInfo>("--out") { Description = "Folder for the overlays, one <image name>.png per image.", DefaultValueFactory = _ => new DirectoryInfo("explanations") };
        var explain = new Command("explain", "Show why: per image, the prediction and its class-activation heatmap over the image (Grad-CAM), as a PNG.")
        {
            model, explanations, models, json, gpu, cpuFallback, images,
        };
        explain.SetAction(Guarded((r, token) => ExplainCommand.RunAsync(
            r.GetValue(model) ?? new FileInfo(Path.Combine("out", "model.zip")), Runtime(r), r.GetValue(images)!, r.GetValue(explanations)!, r.GetValue(json), token)));

        var onnx = new Option<FileInfo>("--onnx") { Description = "The ONNX file to write: uint8 RGB [N, H, W, 3] in, probabilities and label out.", Required = true };
        var export = new Command("export", "Write a saved model as one ONNX file (resize, normalisation, backbone, head inside) for any ONNX runtime.") { model, output, models, onnx };
        export.SetAction(Guarded((r, token) => ExportCommand.RunAsync(ModelPath(r), Runtime(r), r.GetValue(onnx)!)));

        var calibrationImages = new Option<int>("--images") { Description = "Training images to calibrate on.", DefaultValueFactory = _ => 256 };
        calibrationImages.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<int>() < 1) r.AddError($"--images must be 1 or more (got {r.GetValueOrDefault<int>()}).");
        });
        var method = new Option<string>("--method") { Description = "How activation ranges are read: minmax or percentile (99.999).", DefaultValueFactory = _ => "minmax" };
        method.AcceptOnlyFromAmong("minmax", "percentile");
        var quantizedOut = new Option<FileInfo>("--out") { Description = "The int8 backbone file to write (.onnx).", Required = true };
        var quantize = new Command("quantize", "Calibrate a backbone on --data's training images and write a stand-alone int8 backbone (0..255 RGB in, feature map out) that works as --backbone FILE.onnx --normalization raw.")
        {
            backbone, featureData, quantizedOut, calibrationImages, method, imageSize, normalization, seed, models,
        };
        quantize.SetAction(Guarded((r, token) => QuantizeCommand.RunAsync(
            BackboneChoice.Resolve(r.GetValue(backbone)!, r.GetValue(imageSize), r.GetValue(normalization)!), r.GetValue(featureData)!, r.GetValue(quantizedOut)!,
            new QuantizationOptions
            {
                CalibrationImages = r.GetValue(calibrationImages),
                Method = r.GetValue(method) == "percentile" ? CalibrationMethod.Percentile : CalibrationMethod.MinMax,
            },
            r.GetValue(seed), Runtime(r), token)));

        var compare = new Command("compare", "Train every --backbones × --heads on the same split, decoding each image once; print a table, write a JSON report and PNG figures.")
        {
            data, testData, backbonesList, heads, imageSize, normalization, models, seed, cache, output, report, flip, precision, gpu, cpuFallback, wide,
        };
        compare.SetAction(Guarded((r, token) => CompareCommand.RunAsync(
            Data(r),
            [.. List(r.GetValue(backbonesList)!).Select(b => BackboneChoice.Resolve(b, r.GetValue(imageSize), r.GetValue(normalization)!))],
            List(r.GetValue(heads)!), r.GetValue(flip), r.GetValue(precision) == "int8", Runtime(r), r.GetValue(output)!, r.GetValue(report), r.GetValue(wide), token)));

        var download = new Command("download", "Download catalogue backbones now (size and SHA-256 checked), so later runs work offline.") { names, all, verify, models };
        download.SetAction(Guarded((r, token) => DownloadCommand.RunAsync(r.GetValue(names) ?? [], r.GetValue(all), r.GetValue(verify), r.GetValue(models), token)));

        var datasetOut = new Option<DirectoryInfo>("--out") { Description = "Folder for the archive, its lock file and the extracted cats_vs_dogs folder.", Required = true };
        var datasetUrl = new Option<Uri?>("--url")
        {
            Description = "A mirror of the archive (HTTPS) instead of Microsoft's address.",
            CustomParser = r =>
            {
                if (Uri.TryCreate(r.Tokens.Single().Value, UriKind.Absolute, out var url)) return url;
                r.AddError($"--url takes an absolute address such as https://example.org/kagglecatsanddogs_5340.zip (got '{r.Tokens.Single().Value}').");
                return null;
            },
        };
        var datasetSha = new Option<string?>("--sha256") { Description = "The archive's expected SHA-256; default: the hash pinned by the first download in the lock file." };
        datasetSha.Validators.Add(r =>
        {
            if (r.GetValue(datasetSha) is { } hash && !System.Text.RegularExpressions.Regex.IsMatch(hash, "^[0-9a-fA-F]{64}$"))
                r.AddError($"--sha256 takes 64 hexadecimal digits (got '{hash}').");
        });
        var catsVsDogs = new Command("cats-vs-dogs", "Microsoft's PetImages archive (25,000 photos, the article's data): download (resumed, checked), unpack to <out>/cats_vs_dogs/cat|dog, list what training will skip.")
        {
            datasetOut, datasetUrl, datasetSha,
        };
        catsVsDogs.SetAction(Guarded((r, token) => DatasetCommand.CatsVsDogsAsync(r.GetValue(datasetOut)!, r.GetValue(datasetUrl), r.GetValue(datasetSha), token)));
        var dataset = new Command("dataset", "Download a dataset into a training folder.") { catsVsDogs };

        var backbones = new Command("backbones", "List the backbone catalogue and which backbones are downloaded.") { models };
        backbones.SetAction(r => DownloadCommand.List(r.GetValue(models)));

        var root = new RootCommand("Transfer-learning image classification: a frozen ImageNet backbone + a trained dense head.")
        {
            train, featurize, evaluate, predict, explain, export, compare, quantize, download, backbones, dataset,
        };
        root.SetAction((_, token) => root.Parse(["train"]).InvokeAsync(cancellationToken: token));
        return root;
    }

    private static string[] List(string value) => value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    /// <summary>Expected failures (bad folder, missing model or backbone, unreadable file) print one line and exit 2.</summary>
    private static Func<ParseResult, CancellationToken, Task<int>> Guarded(Func<ParseResult, CancellationToken, Task<int>> action) =>
        async (result, token) =>
        {
            try
            {
                return await action(result, token);
            }
            catch (Exception e) when (e is DatasetException or BackboneNotFoundException or BackboneMismatchException or DownloadException
                                          or ExecutionDeviceException or NotSupportedException or IOException or UnauthorizedAccessException or ArgumentException or InvalidDataException)
            {
                await System.Console.Error.WriteLineAsync($"error: {e.Message}");
                return 2;
            }
        };
}

/// <summary>Which images a command uses; with no folders given, the bundled Fashion-MNIST train and test folders.</summary>
internal sealed record DataChoice(DirectoryInfo? Data, DirectoryInfo? TestData, int Seed, DirectoryInfo Cache)
{
    public DirectoryInfo TrainFolder => Data ?? Assets.FashionMnist("train");

    public DirectoryInfo? TestFolder => TestData ?? (Data is null ? Assets.FashionMnist("test") : null);

    /// <summary>The images train holds out for testing: a separate test folder, or the test part of the same seeded split.</summary>
    public IReadOnlyList<LabeledImage> TestImages() => TestFolder is { } test
        ? ImageDataset.FromFolder(test.FullName).Images
        : ImageDataset.FromFolder(TrainFolder.FullName).Split(SplitRatios.Default, Seed).Test;
}
