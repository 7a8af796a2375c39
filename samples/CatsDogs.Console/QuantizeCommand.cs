using System.Diagnostics;
using Spectre.Console;
using TransferLearning.ImageClassification.Backbones;
using TransferLearning.ImageClassification.Data;
using TransferLearning.ImageClassification.Features;
using TransferLearning.ImageClassification.Quantization;

namespace CatsDogs.Console;

/// <summary>quantize: calibrate a backbone on training images of --data and write a stand-alone int8 backbone file.</summary>
internal static class QuantizeCommand
{
    public static async Task<int> RunAsync(
        BackboneSpec backbone, DirectoryInfo data, FileInfo output, QuantizationOptions quantization, int seed, FeaturizerOptions runtime, CancellationToken token)
    {
        OutputFiles.CheckFile(output.FullName, "--out");
        AnsiConsole.MarkupLineInterpolated($"[bold]Quantizing[/] [green]{backbone.Name}[/] ({backbone.InputSize}) to int8, calibrating on [blue]{data.FullName}[/]");
        await TrainCommand.EnsureDownloadedAsync([backbone], runtime, token);
        // The images train --precision int8 --seed S would draw: a seeded shuffle of the training part.
        var images = ImageDataset.FromFolder(data.FullName).Split(SplitRatios.Default, seed).Train.Select(i => i.Path).ToArray();
        new Random(seed).Shuffle(images);
        var clock = Stopwatch.StartNew();
        var calibration = await BackboneQuantizer.CalibrateAsync(
            backbone, images[..Math.Min(images.Length, quantization.CalibrationImages)], quantization, runtime.ModelDirectory, cancellationToken: token);
        var written = BackboneQuantizer.WriteInt8Backbone(backbone, calibration, output.FullName, runtime.ModelDirectory);

        AnsiConsole.MarkupLineInterpolated(
            $"Calibrated on {calibration.Images} training images ({calibration.Method}{(calibration.ReduceRange ? ", 7-bit weights: this CPU has no VNNI" : "")}) in {clock.Elapsed.TotalSeconds:F1} s");
        AnsiConsole.MarkupLineInterpolated(
            $"{written.IntegerConvolutions} of {written.IntegerConvolutions + written.FloatConvolutions} convolutions run as QLinearConv ({written.FloatConvolutions} left in float)");
        AnsiConsole.MarkupLineInterpolated($"Wrote [blue]{output.FullName}[/] ({output.Length / 1e6:F1} MB): 0..255 RGB pixels in, the feature map out");
        AnsiConsole.MarkupLineInterpolated($"Use it: --backbone {output.FullName} --normalization raw --image-size {backbone.InputSize.Width}");
        return 0;
    }
}
