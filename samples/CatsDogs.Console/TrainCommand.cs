using Spectre.Console;
using TransferLearning.ImageClassification;
using TransferLearning.ImageClassification.Training;

namespace CatsDogs.Console;

/// <summary>train (and the no-argument main job): featurize, train, evaluate, save, report.</summary>
internal static class TrainCommand
{
    public sealed record Options(
        DirectoryInfo? Data, DirectoryInfo? TestData, string Backbone, int Seed, DirectoryInfo Cache, DirectoryInfo Out, FileInfo? Report, bool Flip)
    {
        public static Options MainJob => new(
            null, null, "resnet18", 42, new DirectoryInfo(TransferLearning.ImageClassification.Features.FeaturizerOptions.DefaultCacheDirectory),
            new DirectoryInfo("out"), null, true);
    }

    public static async Task<int> RunAsync(Options options, CancellationToken token)
    {
        // With no --data the bundled Fashion-MNIST train/test folders are used.
        var data = options.Data ?? Assets.FashionMnist("train");
        var testData = options.TestData ?? (options.Data is null ? Assets.FashionMnist("test") : null);
        AnsiConsole.MarkupLineInterpolated($"[bold]Training[/] on [blue]{data.FullName}[/]{(testData is null ? "" : $", testing on {testData.FullName}")} with [green]{options.Backbone}[/]");

        var builder = new TransferClassifierBuilder()
            .WithImages(data.FullName)
            .WithBackbone(options.Backbone)
            .WithSplit(TransferLearning.ImageClassification.Data.SplitRatios.Default, options.Seed)
            .WithFeatureCache(options.Cache.FullName)
            .WithHorizontalFlip(options.Flip)
            .WithHead(new TransferLearning.ImageClassification.Head.HeadOptions { Seed = options.Seed })
            .WithLogger(Output.Logger);
        if (testData is not null) builder.WithTestImages(testData.FullName);

        builder.OnEpoch(e => AnsiConsole.MarkupLineInterpolated(
            $"  epoch {e.Epoch,3}: loss {e.TrainLoss:F4} acc {e.TrainAccuracy:F4} | val loss {e.ValidationLoss:F4} val acc {e.ValidationAccuracy:F4}"));
        var result = await Output.WithProgressAsync("Featurizing", progress => builder.WithProgress(progress).TrainAsync(token));
        using var classifier = result.Classifier;

        options.Out.Create();
        var modelPath = Path.Combine(options.Out.FullName, "model.zip");
        var reportPath = options.Report?.FullName ?? Path.Combine(options.Out.FullName, "report.json");
        classifier.Save(modelPath);
        await Output.WriteJsonAsync(reportPath, result.Report, token);

        Output.PrintReport(result.Report);
        AnsiConsole.MarkupLineInterpolated($"Model:  [blue]{modelPath}[/]");
        AnsiConsole.MarkupLineInterpolated($"Report: [blue]{reportPath}[/]");
        return 0;
    }
}
