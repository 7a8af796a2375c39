using Spectre.Console;
using TransferLearning.ImageClassification.Backbones;
using TransferLearning.ImageClassification.Downloads;

namespace CatsDogs.Console;

/// <summary>download: fetch and verify catalogue backbones ahead of use; backbones: list the catalogue.</summary>
internal static class DownloadCommand
{
    public static async Task<int> RunAsync(string[] names, bool all, bool verify, DirectoryInfo? models, CancellationToken token)
    {
        var entries = all ? BackboneCatalog.All.Where(b => b.Download is not null).ToList() : names.Select(BackboneCatalog.Get).ToList();
        if (entries.Count == 0) throw new ArgumentException("Name the backbones to download, or pass --all.");
        var store = ModelStore.At(models?.FullName);
        foreach (var entry in entries)
        {
            var path = await Output.WithDownloadProgressAsync(entry.Name, progress => store.EnsureAsync(entry, progress, token));
            AnsiConsole.MarkupLineInterpolated($"[green]{entry.Name}[/]: [blue]{path}[/]");
            if (verify)
                AnsiConsole.MarkupLineInterpolated(
                    $"  cut checked against the original graph: largest difference {BackboneVerifier.MaxDifference(entry, store.Options.Directory):E1}");
        }
        return 0;
    }

    public static int List(DirectoryInfo? models)
    {
        var store = ModelStore.At(models?.FullName);
        var table = new Table().AddColumns("backbone", "features", "input", "normalisation", "download", "ImageNet top-1", "here");
        foreach (var b in BackboneCatalog.All)
            table.AddRow(
                b.Name,
                $"{b.FeatureSize}",
                $"{b.InputSize}",
                Markup.Escape(b.Normalization.Summary),
                b.Download is { } d ? $"{d.Bytes / 1e6:F0} MB" : "bundled",
                b.ImageNetTop1 is { } top1 ? $"{top1:F2}%" : "-",
                File.Exists(store.PathOf(b)) ? "yes" : "no");
        AnsiConsole.Write(table);
        AnsiConsole.MarkupLineInterpolated($"Model folder: [blue]{store.Options.Directory}[/] (set {ModelStoreOptions.DirectoryVariable} or --models to change)");
        return 0;
    }
}
