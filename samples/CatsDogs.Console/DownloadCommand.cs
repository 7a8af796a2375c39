using System.CommandLine;
using Spectre.Console;
using TransferLearning.ImageClassification.Backbones;
using TransferLearning.ImageClassification.Downloads;

namespace CatsDogs.Console;

/// <summary>download: fetch and verify catalogue backbones ahead of use.</summary>
internal static class DownloadCommand
{
    public static Command Create(CliOptions o)
    {
        var names = new Argument<string[]>("backbones")
        {
            Description = "Catalogue names, e.g. vgg16 resnet101v2.",
            Arity = ArgumentArity.ZeroOrMore,
        };
        var all = new Option<bool>("--all") { Description = "Every downloadable backbone." };
        var verify = new Option<bool>("--verify")
        {
            Description = "Also check each graph's cut: its features against the original graph's values at the cut.",
        };
        var command = new Command(
            "download",
            "Download catalogue backbones now (size and SHA-256 checked), so later runs work offline.")
        {
            names, all, verify, o.Models,
        };
        command.SetAction(Cli.Guarded((r, token) => RunAsync(
            r.GetValue(names) ?? [], r.GetValue(all), r.GetValue(verify), r.GetValue(o.Models), token)));
        return command;
    }

    public static async Task<int> RunAsync(
        string[] names, bool all, bool verify, DirectoryInfo? models, CancellationToken token)
    {
        var entries = all
            ? BackboneCatalog.All.Where(b => b.Download is not null).ToList()
            : names.Select(BackboneCatalog.Get).ToList();
        if (entries.Count == 0) throw new ArgumentException("Name the backbones to download, or pass --all.");
        var store = CliOptions.Store(models);
        foreach (var entry in entries)
        {
            var path = await Output.WithDownloadProgressAsync(
                entry.Name, progress => store.EnsureAsync(entry, progress, token));
            AnsiConsole.MarkupLineInterpolated($"[green]{entry.Name}[/]: [blue]{path}[/]");
            if (verify)
            {
                AnsiConsole.MarkupLineInterpolated(
                    $"  cut checked against the original graph: largest difference {
                        store.MeasureCutError(entry):E1}");
            }
        }
        return 0;
    }
}
