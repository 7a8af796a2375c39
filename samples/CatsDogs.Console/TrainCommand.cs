using Spectre.Console;
using TransferLearning.ImageClassification;
using TransferLearning.ImageClassification.Backbones;
using TransferLearning.ImageClassification.Data;
using TransferLearning.ImageClassification.Downloads;
using TransferLearning.ImageClassification.Features;
using TransferLearning.ImageClassification.Head;

namespace CatsDogs.Console;

/// <summary>train (and the no-argument main job): featurize, train, evaluate, save, report.</summary>
internal static class TrainCommand
{
    public static async Task<int> RunAsync(
        DataChoice data, BackboneSpec backbone, bool flip, FeaturizerOptions runtime, DirectoryInfo output, FileInfo? report, CancellationToken token)
    {
        var test = data.TestFolder;
        AnsiConsole.MarkupLineInterpolated(
            $"[bold]Training[/] [green]{backbone.Name}[/] ({backbone.InputSize}) on [blue]{data.TrainFolder.FullName}[/]{(test is null ? " (test part from its split)" : $", testing on {test.FullName}")}");
        var store = ModelStore.At(runtime.ModelDirectory);
        if (!File.Exists(store.PathOf(backbone)))
            await Output.WithDownloadProgressAsync(backbone.Name, progress => store.EnsureAsync(backbone, progress, token));

        var builder = new TransferClassifierBuilder()
            .WithImages(data.TrainFolder.FullName)
            .WithBackbone(backbone)
            .WithSplit(SplitRatios.Default, data.Seed)
            .WithFeatureCache(data.Cache.FullName)
            .WithModelDirectory(store.Options.Directory)
            .WithHorizontalFlip(flip)
            .WithHead(new HeadOptions { Seed = data.Seed })
            .WithLogger(Output.Logger)
            .OnEpoch(e => AnsiConsole.MarkupLineInterpolated(
                $"  epoch {e.Epoch,3}: loss {e.TrainLoss:F4} acc {e.TrainAccuracy:F4} | val loss {e.ValidationLoss:F4} val acc {e.ValidationAccuracy:F4}"));
        if (test is not null) builder.WithTestImages(test.FullName);
        if (runtime.Device.CudaDeviceId is { } gpu) builder.UseGpu(gpu, runtime.Device.FallbackToCpu);

        var result = await Output.WithProgressAsync("Featurizing", progress => builder.WithProgress(progress).TrainAsync(token));
        using var classifier = result.Classifier;

        output.Create();
        var modelPath = Path.Combine(output.FullName, "model.zip");
        var reportPath = report?.FullName ?? Path.Combine(output.FullName, "report.json");
        classifier.Save(modelPath);
        await Output.WriteJsonAsync(reportPath, result.Report, token);

        Output.PrintReport(result.Report);
        AnsiConsole.MarkupLineInterpolated($"Model:  [blue]{modelPath}[/]");
        AnsiConsole.MarkupLineInterpolated($"Report: [blue]{reportPath}[/]");
        return 0;
    }
}
