using Microsoft.Extensions.Logging;
using Spectre.Console;
using TransferLearning.ImageClassification.Data;
using TransferLearning.ImageClassification.Downloads;
using TransferLearning.ImageClassification.Evaluation;
using TransferLearning.ImageClassification.Features;
using TransferLearning.ImageClassification.Training;

namespace CatsDogs.Console;

/// <summary>Console rendering and JSON writing shared by the commands.</summary>
internal static class Output
{
    public static ILogger Logger { get; } = LoggerFactory
        .Create(b => b.AddSimpleConsole(o => o.SingleLine = true).SetMinimumLevel(LogLevel.Warning))
        .CreateLogger("catsdogs");

    public static Task<T> WithProgressAsync<T>(string label, Func<IProgress<FeaturizationProgress>, Task<T>> work) =>
        ShowProgressAsync<FeaturizationProgress, T>(label, work, (task, p) =>
        {
            task.MaxValue = p.Total;
            task.Value = p.Done;
            task.Description = $"{label} {p.ImagesPerSecond:F0} img/s";
        });

    public static Task<T> WithDownloadProgressAsync<T>(
        string backbone, Func<IProgress<DownloadProgress>, Task<T>> work) =>
        ShowProgressAsync<DownloadProgress, T>($"Downloading {backbone}", work, (task, p) =>
        {
            task.MaxValue = p.TotalBytes;
            task.Value = p.BytesReceived;
            task.Description = $"Downloading {backbone} {p.BytesReceived / 1e6:F0}/{p.TotalBytes / 1e6:F0} MB, " +
                $"{p.BytesPerSecond / 1e6:F1} MB/s";
        });

    private static async Task<T> ShowProgressAsync<TProgress, T>(
        string label, Func<IProgress<TProgress>, Task<T>> work, Action<ProgressTask, TProgress> show)
    {
        T result = default!;
        await AnsiConsole.Progress().AutoClear(false).StartAsync(async context =>
        {
            var task = context.AddTask(label);
            result = await work(new Progress<TProgress>(p => show(task, p)));
            task.Value = task.MaxValue;
        });
        return result;
    }

    public static void PrintReport(TrainingReport report)
    {
        var (counts, timings) = (report.Counts, report.Timings);
        AnsiConsole.MarkupLineInterpolated(
            $"Images: train {counts.Train}, validation {counts.Validation}, test {counts.Test}, skipped {
                counts.Skipped}");
        var precision = report.Precision == "fp32"
            ? ""
            : $" ({report.Precision}, calibrated in {timings.CalibrateSeconds:F1} s)";
        AnsiConsole.MarkupLineInterpolated(
            $"Featurized on {report.Device}{precision} in {timings.FeaturizeSeconds:F1} s ({
                timings.FeaturizeImagesPerSecond:F1} img/s, {timings.ImagesComputed} computed)");
        AnsiConsole.MarkupLineInterpolated(
            $"Head trained in {timings.TrainSeconds:F1} s over {report.History.Count(e => e.Phase == "head")} epochs");
        if (report.FineTuning is { } tuning)
        {
            AnsiConsole.MarkupLineInterpolated(
                $"Fine-tuned from {tuning.Boundary} ({tuning.TrainedWeights:N0} weights) over {tuning.Epochs} epochs at {
                    tuning.ImagesPerSecond:F1} img/s: validation loss {tuning.FrozenValidationLoss:F4} -> {
                        tuning.ValidationLoss:F4}, accuracy {tuning.FrozenValidationAccuracy:F4} -> {
                            tuning.ValidationAccuracy:F4}; {(tuning.Helped
                                ? $"kept epoch {tuning.BestEpoch}"
                                : "did not help, the frozen model is kept")}");
            if (tuning.FrozenTest is { } frozen) PrintMetrics("Frozen backbone (test)", frozen);
        }
        if (report.Initial is { } initial)
        {
            AnsiConsole.MarkupLineInterpolated(
                $"Before training: accuracy {initial.Accuracy:F4}, log-loss {initial.LogLoss:F4}");
        }
        if (report.Test is { } test) PrintMetrics("After training (test)", test);
        if (report.Novelty is { } novelty)
        {
            AnsiConsole.MarkupLineInterpolated(
                $"Novelty threshold {novelty.Threshold:F2}: accepts {novelty.CalibrationAcceptance:P1} of the {
                    novelty.CalibratedOn} images (asked {novelty.Acceptance:P0}){(novelty.TestAcceptance is { } t
                        ? $", {t:P1} of the test images" : "")}");
        }
        PrintSkipped(report.Skipped); // the report's warnings went to the logger as they were found
    }

    public static void PrintNovelty(NoveltyMetrics novelty)
    {
        AnsiConsole.MarkupLineInterpolated(
            $"Unfamiliar images ({novelty.Unfamiliar} against {novelty.Familiar} familiar): AUROC {
                novelty.AreaUnderRocCurve:F4}, FPR at 95% TPR {novelty.FalsePositiveRateAt95:P1}, flagged {
                novelty.UnfamiliarFlagged:P1} (familiar accepted {novelty.FamiliarAccepted:P1})");
    }

    public static void PrintWarnings(IReadOnlyList<string> warnings)
    {
        foreach (var warning in warnings) AnsiConsole.MarkupLineInterpolated($"[yellow]Warning:[/] {warning}");
    }

    public static void PrintMetrics(string title, ClassificationMetrics metrics)
    {
        AnsiConsole.MarkupLineInterpolated(
            $"[bold]{title}[/], {metrics.Count} images: accuracy [green]{metrics.Accuracy:F4}[/], log-loss {
                metrics.LogLoss:F4}");
        AnsiConsole.MarkupLineInterpolated(
            $"  macro accuracy {metrics.MacroAccuracy:F4}, top-{metrics.TopK} accuracy {metrics.TopKAccuracy:F4}");
        if (metrics.Binary is { } binary)
        {
            AnsiConsole.MarkupLineInterpolated(
                $"  {binary.PositiveClass} (p ≥ {binary.Threshold}): AUC {binary.AreaUnderRocCurve:F4}, F1 {
                    binary.F1:F4}, precision {binary.Precision:F4}, recall {binary.Recall:F4}");
        }
        var table = new Table().AddColumns("class", "precision", "recall", "F1", "support");
        foreach (var c in metrics.PerClass)
            table.AddRow(Markup.Escape(c.Label), $"{c.Precision:F3}", $"{c.Recall:F3}", $"{c.F1:F3}", $"{c.Support}");
        AnsiConsole.Write(table);
        var confused = metrics.MostConfused.Where(p => p.Count >= 2).Take(5).ToArray();
        if (confused.Length > 0)
        {
            var pairs = string.Join(", ", confused.Select(c => $"{c.Actual} → {c.Predicted} {c.Count}"));
            AnsiConsole.MarkupLineInterpolated($"  most confused (actual → predicted): {pairs}");
        }
    }

    public static void PrintSkipped(IReadOnlyList<SkippedImage> skipped)
    {
        if (skipped.Count == 0) return;
        AnsiConsole.MarkupLineInterpolated($"[yellow]Skipped {skipped.Count} images:[/]");
        foreach (var s in skipped.Take(20)) AnsiConsole.MarkupLineInterpolated($"  {s.Path}: {s.Reason}");
        if (skipped.Count > 20)
            AnsiConsole.MarkupLineInterpolated($"  … and {skipped.Count - 20} more (see the report)");
    }
}
