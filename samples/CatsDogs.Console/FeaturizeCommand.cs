using System.CommandLine;
using Spectre.Console;
using TransferLearning.ImageClassification.Backbones;
using TransferLearning.ImageClassification.Features;
using TransferLearning.ImageClassification.Shards;

namespace CatsDogs.Console;

/// <summary>
/// featurize: one shard of a folder's features into FEATDIR/part-K-of-N.parquet; N of these run side by side.
/// </summary>
internal static class FeaturizeCommand
{
    public static Command Create(CliOptions o)
    {
        var shard = new Option<Shard>("--shard")
        {
            Description = "Which shard to featurize, K/N with 0 <= K < N " +
                "(a Kubernetes Indexed Job passes JOB_COMPLETION_INDEX as K).",
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
        var output = new Option<DirectoryInfo>("--out")
        {
            Description = "Feature folder the shard file part-K-of-N.parquet is written to.",
            Required = true,
        };
        var command = new Command(
            "featurize",
            "Featurize one shard of --data into --out/part-K-of-N.parquet (path, label, sha256, features); " +
            "run N shards side by side, then train --features.")
        {
            o.FeatureData, o.Backbone, o.ImageSize, o.Normalization, shard, o.Models, o.Cache, output, o.Gpu,
            o.CpuFallback,
        };
        command.SetAction(Cli.Guarded((r, token) => RunAsync(
            r.GetValue(o.FeatureData)!, o.ChosenBackbone(r), r.GetValue(shard)!, o.Runtime(r), r.GetValue(o.Cache)!,
            r.GetValue(output)!, token)));
        return command;
    }

    public static async Task<int> RunAsync(
        DirectoryInfo data, BackboneSpec backbone, Shard shard, FeaturizerOptions runtime, DirectoryInfo cache,
        DirectoryInfo output, CancellationToken token)
    {
        AnsiConsole.MarkupLineInterpolated(
            $"[bold]Featurizing[/] shard {shard} of [blue]{data.FullName}[/] with [green]{backbone.Name}[/] ({
                backbone.InputSize}) into [blue]{output.FullName}[/]");
        await TrainCommand.EnsureDownloadedAsync([backbone], runtime, token);
        var options = new FeaturizerOptions(runtime) { CacheDirectory = cache.FullName };
        var summary = await Output.WithProgressAsync("Featurizing", progress =>
            FeatureShards.WriteAsync(data.FullName, backbone, shard, output.FullName, options, progress, token));

        foreach (var skipped in summary.Skipped)
            AnsiConsole.MarkupLineInterpolated($"[yellow]Skipped[/] {skipped.Path}: {skipped.Reason}");
        AnsiConsole.MarkupLineInterpolated(
            $"Shard {shard}: {summary.Written:N0} of {summary.Owned:N0} images written ({
                summary.Skipped.Count} skipped; {summary.Computed:N0} computed, {
                summary.FromCache:N0} from the cache) in {summary.Elapsed.TotalSeconds:F1} s");
        AnsiConsole.MarkupLineInterpolated($"Features: [blue]{summary.Path}[/]");
        return 0;
    }
}
