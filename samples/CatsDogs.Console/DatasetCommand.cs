using System.CommandLine;
using System.Text.RegularExpressions;
using Spectre.Console;
using TransferLearning.ImageClassification.Datasets;

namespace CatsDogs.Console;

/// <summary>
/// dataset cats-vs-dogs: the article's data, downloaded, checked and unpacked into a training folder.
/// </summary>
internal static class DatasetCommand
{
    public static Command Create() =>
        new("dataset", "Download a dataset into a training folder.") { CreateCatsVsDogs() };

    private static Command CreateCatsVsDogs()
    {
        var output = new Option<DirectoryInfo>("--out")
        {
            Description = "Folder for the archive, its lock file and the extracted cats_vs_dogs folder.",
            Required = true,
        };
        var url = new Option<Uri?>("--url")
        {
            Description = "A mirror of the archive (HTTPS) instead of Microsoft's address.",
            CustomParser = r =>
            {
                if (Uri.TryCreate(r.Tokens.Single().Value, UriKind.Absolute, out var address)) return address;
                r.AddError(
                    "--url takes an absolute address such as https://example.org/kagglecatsanddogs_5340.zip " +
                    $"(got '{r.Tokens.Single().Value}').");
                return null;
            },
        };
        var sha256 = new Option<string?>("--sha256")
        {
            Description = "The archive's expected SHA-256; default: the hash pinned by the first download " +
                "in the lock file.",
        };
        sha256.Validators.Add(r =>
        {
            if (r.GetValue(sha256) is { } hash && !Regex.IsMatch(hash, "^[0-9a-fA-F]{64}$"))
                r.AddError($"--sha256 takes 64 hexadecimal digits (got '{hash}').");
        });
        var command = new Command(
            "cats-vs-dogs",
            "Microsoft's PetImages archive (25,000 photos, the article's data): download (resumed, checked), " +
            "unpack to <out>/cats_vs_dogs/cat|dog, list what training will skip.")
        {
            output, url, sha256,
        };
        command.SetAction(Cli.Guarded((r, token) => CatsVsDogsAsync(
            r.GetValue(output)!, r.GetValue(url), r.GetValue(sha256), token)));
        return command;
    }

    public static async Task<int> CatsVsDogsAsync(
        DirectoryInfo output, Uri? url, string? sha256, CancellationToken token)
    {
        var options = new DatasetDownloadOptions { Directory = output.FullName, Url = url, Sha256 = sha256 };
        AnsiConsole.MarkupLineInterpolated(
            $"[bold]cats_vs_dogs[/] from [blue]{url ?? CatsVsDogs.DefaultUrl}[/] into [blue]{output.FullName}[/]");
        var result = await Output.WithDownloadProgressAsync(
            "cats_vs_dogs", progress => CatsVsDogs.DownloadAsync(options, progress, cancellationToken: token));

        var pinned = result.PinnedNow ? $" (no published hash: pinned in {result.LockFile})" : " (checked)";
        AnsiConsole.MarkupLineInterpolated($"SHA-256 {result.Sha256}{pinned}");
        foreach (var (label, count) in result.ImagesPerClass.OrderBy(c => c.Key, StringComparer.Ordinal))
            AnsiConsole.MarkupLineInterpolated($"  {label}: {count:N0} files");
        if (result.LeftOut.Count > 0)
        {
            var reasons = string.Join("; ", result.LeftOut.GroupBy(s => s.Reason).Select(g => $"{g.Count()} {g.Key}"));
            AnsiConsole.MarkupLineInterpolated($"Left out {result.LeftOut.Count} archive entries: {reasons}");
        }
        if (result.Undecodable.Count > 0)
        {
            AnsiConsole.MarkupLineInterpolated(
                $"[yellow]{
                    result.Undecodable.Count} files cannot be decoded[/]; training skips them with these reasons:");
            foreach (var skipped in result.Undecodable.Take(10))
                AnsiConsole.MarkupLineInterpolated($"  {skipped.Path}: {skipped.Reason}");
            if (result.Undecodable.Count > 10)
                AnsiConsole.MarkupLineInterpolated($"  … and {result.Undecodable.Count - 10} more");
        }
        AnsiConsole.MarkupLineInterpolated($"Training folder: [blue]{result.Folder}[/] (train --data {result.Folder})");
        return 0;
    }
}
