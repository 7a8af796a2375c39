using System.CommandLine;
using Spectre.Console;
using TransferLearning.ImageClassification.Backbones;
using TransferLearning.ImageClassification.Downloads;

namespace CatsDogs.Console;

/// <summary>backbones: list the catalogue and which backbones are downloaded.</summary>
internal static class BackbonesCommand
{
    public static Command Create(CliOptions o)
    {
        var command = new Command("backbones", "List the backbone catalogue and which backbones are downloaded.")
        {
            o.Models,
        };
        command.SetAction(r => List(r.GetValue(o.Models)));
        return command;
    }

    public static int List(DirectoryInfo? models)
    {
        var store = CliOptions.Store(models);
        var table = new Table().AddColumns(
            "backbone", "features", "input", "normalisation", "download", "ImageNet top-1", "here");
        foreach (var b in BackboneCatalog.All)
        {
            table.AddRow(
                b.Name,
                $"{b.FeatureSize}",
                $"{b.InputSize}",
                Markup.Escape(b.Normalization.Summary),
                b.Download is { } d ? $"{d.Bytes / 1e6:F0} MB" : "bundled",
                b.ImageNetTop1 is { } top1 ? $"{top1:F2}%" : "-",
                File.Exists(store.GetPath(b)) ? "yes" : "no");
        }
        AnsiConsole.Write(table);
        AnsiConsole.MarkupLineInterpolated(
            $"Model folder: [blue]{store.Options.Directory}[/] (set {
                ModelStoreOptions.DirectoryVariable} or --models to change)");
        return 0;
    }
}
