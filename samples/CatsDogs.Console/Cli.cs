using System.CommandLine;
using TransferLearning.ImageClassification.Backbones;
using TransferLearning.ImageClassification.Data;
using TransferLearning.ImageClassification.Downloads;

namespace CatsDogs.Console;

/// <summary>
/// The command line. No arguments runs the main job: <c>train</c> with every default. Each command is defined next
/// to its action, in its own file; the options they share are in <see cref="CliOptions"/>.
/// </summary>
internal static class Cli
{
    public static RootCommand Create()
    {
        var options = new CliOptions();
        var root = new RootCommand(
            "Transfer-learning image classification: a frozen ImageNet backbone + a trained dense head.")
        {
            TrainCommand.Create(options),
            FeaturizeCommand.Create(options),
            EvaluateCommand.Create(options),
            PredictCommand.Create(options),
            ExplainCommand.Create(options),
            ExportCommand.Create(options),
            CompareCommand.Create(options),
            QuantizeCommand.Create(options),
            DownloadCommand.Create(options),
            BackbonesCommand.Create(options),
            DatasetCommand.Create(),
        };
        root.SetAction((_, token) => root.Parse(["train"]).InvokeAsync(cancellationToken: token));
        return root;
    }

    /// <summary>A comma-separated list, blanks trimmed and empty entries dropped.</summary>
    public static string[] List(string value) =>
        value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    /// <summary>
    /// Expected failures (bad folder, missing model or backbone, unreadable file) print one line and exit 2.
    /// </summary>
    public static Func<ParseResult, CancellationToken, Task<int>> Guarded(
        Func<ParseResult, CancellationToken, Task<int>> action) =>
        async (result, token) =>
        {
            try
            {
                return await action(result, token);
            }
            catch (Exception e) when (e is DatasetException or BackboneNotFoundException or BackboneMismatchException
                                          or DownloadException or ExecutionDeviceException or NotSupportedException
                                          or IOException or UnauthorizedAccessException or ArgumentException
                                          or InvalidDataException)
            {
                await System.Console.Error.WriteLineAsync($"error: {e.Message}");
                return 2;
            }
        };
}
