using Spectre.Console;
using TransferLearning.ImageClassification.Backbones;
using TransferLearning.ImageClassification.Features;
using TransferLearning.ImageClassification.Shards;

namespace CatsDogs.Console;

/// <summary>featurize: one shard of a folder's features into FEATDIR/part-K-of-N.parquet; N of these run side by side.</summary>
internal static class FeaturizeCommand
{
    public static async Task<int> RunAsync(
        DirectoryInfo data, BackboneSpec backbone, Shard shard, FeaturizerOptions runtime, DirectoryInfo cache, DirectoryInfo output, CancellationToken token)
    {
        AnsiConsole.MarkupLineInterpolated(
            $"[bold]Featurizing[/] shard {shard} of [blue]{data.FullName}[/] with [green]{backbone.Name}[/] ({backbone.InputSize}) into [blue]{output.FullName}[/]");
        await TrainCommand.EnsureDownloadedAsync([backbone], runtime, token);
        var options = runtime with { CacheDirectory = cache.FullName };
        var summary = await Output.WithProgressAsync("Featurizing", progress =>
            FeatureShards.WriteAsync(data.FullName, backbone, shard, output.FullName, options, progress, token));

        foreach (var skipped in summary.Skipped) AnsiConsole.MarkupLineInterpolated($"[yellow]Skipped[/] {skipped.Path}: {skipped.Reason}");
        AnsiConsole.MarkupLineInterpolated(
            $"Shard {shard}: {summary.Written:N0} of {summary.Owned:N0} images written ({summary.Skipped.Count} skipped; {summary.Computed:N0} computed, {summary.FromCache:N0} from the cache) in {summary.Elapsed.TotalSeconds:F1} s");
        AnsiConsole.MarkupLineInterpolated($"Features: [blue]{summary.Path}[/]");
        return 0;
    }
}
