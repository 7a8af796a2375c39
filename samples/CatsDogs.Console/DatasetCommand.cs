using Spectre.Console;
using TransferLearning.ImageClassification.Datasets;

namespace CatsDogs.Console;

/// <summary>dataset cats-vs-dogs: the article's data, downloaded, checked and unpacked into a training folder.</summary>
internal static class DatasetCommand
{
    public static async Task<int> CatsVsDogsAsync(DirectoryInfo output, Uri? url, string? sha256, CancellationToken token)
    {
        var options = new DatasetDownloadOptions { Directory = output.FullName, Url = url, Sha256 = sha256 };
        AnsiConsole.MarkupLineInterpolated($"[bold]cats_vs_dogs[/] from [blue]{url ?? CatsVsDogs.DefaultUrl}[/] into [blue]{output.FullName}[/]");
        var result = await Output.WithDownloadProgressAsync("cats_vs_dogs", progress => CatsVsDogs.DownloadAsync(options, progress, cancellationToken: token));

        AnsiConsole.MarkupLineInterpolated($"SHA-256 {result.Sha256}{(result.PinnedNow ? $" (no published hash: pinned in {result.LockFile})" : " (checked)")}");
        foreach (var (label, count) in result.ImagesPerClass.OrderBy(c => c.Key, StringComparer.Ordinal))
            AnsiConsole.MarkupLineInterpolated($"  {label}: {count:N0} files");
        if (result.LeftOut.Count > 0)
            AnsiConsole.MarkupLineInterpolated(
                $"Left out {result.LeftOut.Count} archive entries: {string.Join("; ", result.LeftOut.GroupBy(s => s.Reason).Select(g => $"{g.Count()} {g.Key}"))}");
        if (result.Undecodable.Count > 0)
        {
            AnsiConsole.MarkupLineInterpolated($"[yellow]{result.Undecodable.Count} files cannot be decoded[/]; training skips them with these reasons:");
            foreach (var skipped in result.Undecodable.Take(10)) AnsiConsole.MarkupLineInterpolated($"  {skipped.Path}: {skipped.Reason}");
            if (result.Undecodable.Count > 10) AnsiConsole.MarkupLineInterpolated($"  … and {result.Undecodable.Count - 10} more");
        }
        AnsiConsole.MarkupLineInterpolated($"Training folder: [blue]{result.Folder}[/] (train --data {result.Folder})");
        return 0;
    }
}
