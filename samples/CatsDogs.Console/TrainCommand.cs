using System.CommandLine;
using Spectre.Console;
using TransferLearning.ImageClassification;
using TransferLearning.ImageClassification.Backbones;
using TransferLearning.ImageClassification.Data;
using TransferLearning.ImageClassification.Downloads;
using TransferLearning.ImageClassification.Features;
using TransferLearning.ImageClassification.FineTuning;
using TransferLearning.ImageClassification.Head;
using TransferLearning.ImageClassification.Shards;
using TransferLearning.ImageClassification.Training;
using TransferLearning.ImageClassification.IO;

namespace CatsDogs.Console;

/// <summary>train (and the no-argument main job): featurize, train, evaluate, save, report.</summary>
internal static class TrainCommand
{
    public static Command Create(CliOptions o)
    {
        var features = new Option<DirectoryInfo?>("--features")
        {
            Description = "Train on the shard files in this folder (written by featurize) instead of --data's images.",
        };
        var testFeatures = new Option<DirectoryInfo?>("--test-features")
        {
            Description = "With --features: shard files of a separate test folder.",
        };
        var fineTune = new Option<int?>("--fine-tune")
        {
            Description = "After the head, also train the backbone's last STAGES stages (default 1) with TorchSharp, " +
                "and keep them only if they beat the frozen backbone on validation. Needs LibTorch, which this tool " +
                "does not carry; the saved model runs anywhere.",
            HelpName = "STAGES",
            Arity = ArgumentArity.ZeroOrOne,
            CustomParser = r =>
            {
                if (r.Tokens.Count == 0) return 1;
                if (int.TryParse(r.Tokens[0].Value, out var stages) && stages >= 1) return stages;
                r.AddError($"--fine-tune takes a number of stages, 1 or more (got '{r.Tokens[0].Value}').");
                return null;
            },
        };
        var fineTuneEpochs = CliOptions.Count(
            "--fine-tune-epochs", "Most fine-tuning epochs (early stopping may end sooner).", 4);
        var command = new Command(
            "train", "Featurize, train the head, evaluate before and after, save the model and a JSON report.")
        {
            o.Data, o.TestData, features, testFeatures, o.Backbone, o.ImageSize, o.Normalization, o.Models, o.Seed,
            o.Cache, o.Output, o.Report, o.Flip, o.Precision, o.Gpu, o.CpuFallback, fineTune, fineTuneEpochs,
        };
        command.Validators.Add(r =>
        {
            var onFeatures = r.GetValue(features) is not null;
            if (!onFeatures && r.GetValue(testFeatures) is not null) r.AddError("--test-features needs --features.");
            if (onFeatures && (r.GetValue(o.Data) ?? r.GetValue(o.TestData)) is not null)
                r.AddError("Give --features or --data/--test-data, not both.");
            if (onFeatures && r.GetValue(o.Flip))
                r.AddError("--flip needs images; shard files hold one view per image.");
            if (onFeatures && r.GetValue(o.Precision) == "int8")
                r.AddError("--precision int8 calibrates on images; it cannot be used with --features.");
            var tuning = r.GetResult(fineTune) is not null;
            if (tuning && (onFeatures || r.GetValue(o.Precision) == "int8"))
                r.AddError("--fine-tune trains in float32 on images: it cannot be used with --features or --precision int8.");
            if (!tuning && r.GetResult(fineTuneEpochs) is { Implicit: false })
                r.AddError("--fine-tune-epochs needs --fine-tune.");
        });
        command.SetAction(Cli.Guarded((r, token) => r.GetValue(features) is { } featureFolder
            ? RunOnFeaturesAsync(
                featureFolder, r.GetValue(testFeatures), r.GetValue(o.Seed), o.Runtime(r), r.GetValue(o.Output)!,
                r.GetValue(o.Report), token)
            : RunAsync(
                o.DataChoice(r), o.ChosenBackbone(r), r.GetValue(o.Flip), r.GetValue(o.Precision) == "int8",
                o.Runtime(r), r.GetValue(o.Output)!, r.GetValue(o.Report), token,
                r.GetResult(fineTune) is null ? null
                    : new FineTuningOptions { Stages = r.GetValue(fineTune)!.Value, Epochs = r.GetValue(fineTuneEpochs) })));
        return command;
    }

    public static async Task<int> RunAsync(
        DataChoice data, BackboneSpec backbone, bool flip, bool int8, FeaturizerOptions runtime, DirectoryInfo output,
        FileInfo? report, CancellationToken token, FineTuningOptions? fineTuning = null)
    {
        if (fineTuning is not null && !LibTorch.IsAvailable(out var missing))
        {
            await System.Console.Error.WriteLineAsync(
                $"error: --fine-tune needs LibTorch, and this tool does not carry it (over 200 MB per platform). " +
                $"{missing} To fine-tune, reference TransferLearning.ImageClassification.FineTuning and a LibTorch " +
                "package from your app, or build this CLI from source with -p:WithLibTorch=true on such a system.");
            return 2;
        }
        var test = data.TestFolder;
        var (modelPath, reportPath) = Paths(output, report);
        OutputFiles.CheckFolder(output, "--out");
        OutputFiles.CheckFile(reportPath, "--report");
        var precision = int8 ? ", int8" : "";
        var testing = test is null ? " (test part from its split)" : $", testing on {test.FullName}";
        AnsiConsole.MarkupLineInterpolated(
            $"[bold]Training[/] [green]{backbone.Name}[/] ({backbone.InputSize}{precision}) on [blue]{
                data.TrainFolder.FullName}[/]{testing}");
        await EnsureDownloadedAsync([backbone], runtime, token);
        var builder = Builder(data, flip, int8, runtime, printEpochs: true).WithBackbone(backbone);
        if (fineTuning is not null) builder.WithFineTuning(fineTuning);

        var result = await Output.WithProgressAsync(
            "Featurizing", progress => builder.WithProgress(progress).TrainAsync(token));
        using var classifier = result.Classifier;
        await SaveAsync(result, modelPath, reportPath, token);

        var folder = Path.GetDirectoryName(reportPath)!;
        var pictures = Pictures.ForTraining(result.Report, data.TrainFolder, folder);
        if (result.Report.Test is not null)
            pictures.Add(await Pictures.TopLossesAsync(classifier, data.TestImages(), folder, token));

        Print(result, modelPath, reportPath);
        var names = string.Join(", ", pictures.Select(Path.GetFileName));
        AnsiConsole.MarkupLineInterpolated($"Pictures: [blue]{names}[/]");
        return 0;
    }

    /// <summary>
    /// train --features: the head on shard files' features, with the same split, report and model as on the images.
    /// </summary>
    public static async Task<int> RunOnFeaturesAsync(
        DirectoryInfo features, DirectoryInfo? testFeatures, int seed, FeaturizerOptions runtime, DirectoryInfo output,
        FileInfo? report, CancellationToken token)
    {
        var (modelPath, reportPath) = Paths(output, report);
        OutputFiles.CheckFolder(output, "--out");
        OutputFiles.CheckFile(reportPath, "--report");
        var shards = await FeatureShardSet.ReadAsync(features.FullName, token);
        var testShards = testFeatures is null ? null : await FeatureShardSet.ReadAsync(testFeatures.FullName, token);
        AnsiConsole.MarkupLineInterpolated(
            $"[bold]Training[/] on {shards.Count:N0} feature vectors of [green]{shards.Backbone}[/] ({
                shards.InputSize}) from {shards.ShardCount} shard files in [blue]{features.FullName}[/]");
        var builder = new TransferClassifierBuilder()
            .WithFeatures(shards)
            .WithSplit(SplitRatios.Default, seed)
            .WithFeaturizer(o => new(o) { ModelStore = runtime.ModelStore, Device = runtime.Device })
            .WithHead(new HeadOptions { Seed = seed })
            .WithLogger(Output.Logger)
            .OnEpoch(PrintEpoch);
        if (testShards is not null) builder.WithTestFeatures(testShards);
        await EnsureDownloadedAsync([BackboneCatalog.Get(shards.Backbone)], runtime, token);

        var result = await builder.TrainAsync(token);
        using var classifier = result.Classifier;
        await SaveAsync(result, modelPath, reportPath, token);
        Print(result, modelPath, reportPath);
        return 0;
    }

    /// <summary>The model and its report, both or neither.</summary>
    private static async Task SaveAsync(
        TrainingResult result, string modelPath, string reportPath, CancellationToken token)
    {
        using var files = new OutputFiles();
        result.Classifier.Save(files.Stage(modelPath));
        await JsonReport.WriteAsync(files.Stage(reportPath), result.Report, token);
        files.Commit();
    }

    private static void Print(TrainingResult result, string modelPath, string reportPath)
    {
        Output.PrintReport(result.Report);
        AnsiConsole.MarkupLineInterpolated($"Model:    [blue]{modelPath}[/]");
        AnsiConsole.MarkupLineInterpolated($"Report:   [blue]{reportPath}[/]");
    }

    /// <summary><c>&lt;out&gt;/model.zip</c>, and --report or else <c>&lt;out&gt;/report.json</c>.</summary>
    private static (string Model, string Report) Paths(DirectoryInfo output, FileInfo? report) =>
        (Path.Combine(output.FullName, "model.zip"), report?.FullName ?? Path.Combine(output.FullName, "report.json"));

    private static void PrintEpoch(EpochMetrics e) => AnsiConsole.MarkupLineInterpolated(
        $"  {(e.Phase == EpochMetrics.FineTuningPhase ? "fine-tuning " : "")}epoch {e.Epoch,3}: loss {e.TrainLoss:F4} acc {e.TrainAccuracy:F4} | val loss {e.ValidationLoss:F4} val acc {
            e.ValidationAccuracy:F4}");

    /// <summary>
    /// The builder train and compare share: data, split, cache, models, mirror images, precision, head seed, device.
    /// </summary>
    public static TransferClassifierBuilder Builder(
        DataChoice data, bool flip, bool int8, FeaturizerOptions runtime, bool printEpochs)
    {
        var builder = new TransferClassifierBuilder()
            .WithImages(data.TrainFolder.FullName)
            .WithSplit(SplitRatios.Default, data.Seed)
            .WithFeaturizer(_ => new(runtime) { CacheDirectory = data.Cache.FullName, HorizontalFlip = flip })
            .WithHead(new HeadOptions { Seed = data.Seed })
            .WithLogger(Output.Logger);
        if (printEpochs) builder.OnEpoch(PrintEpoch);
        if (int8) builder.WithInt8();
        if (data.TestFolder is { } test) builder.WithTestImages(test.FullName);
        return builder;
    }

    /// <summary>Downloads missing backbones first, with a progress bar each.</summary>
    public static async Task EnsureDownloadedAsync(
        IEnumerable<BackboneSpec> backbones, FeaturizerOptions runtime, CancellationToken token)
    {
        var store = runtime.ModelStore!;
        foreach (var backbone in backbones.Where(b => !File.Exists(store.GetPath(b))))
        {
            await Output.WithDownloadProgressAsync(
                backbone.Name, progress => store.EnsureAsync(backbone, progress, token));
        }
    }
}
