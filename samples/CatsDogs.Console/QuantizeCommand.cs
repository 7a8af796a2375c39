using System.CommandLine;
using System.Diagnostics;
using Spectre.Console;
using TransferLearning.ImageClassification.Backbones;
using TransferLearning.ImageClassification.Data;
using TransferLearning.ImageClassification.Features;
using TransferLearning.ImageClassification.Quantization;

namespace CatsDogs.Console;

/// <summary>
/// quantize: calibrate a backbone on training images of --data and write a stand-alone int8 backbone file.
/// </summary>
internal static class QuantizeCommand
{
    public static Command Create(CliOptions o)
    {
        var images = CliOptions.Count("--images", "Training images to calibrate on.", 256);
        var method = new Option<string>("--method")
        {
            Description = "How activation ranges are read: minmax or percentile (99.999).",
            DefaultValueFactory = _ => "minmax",
        };
        method.AcceptOnlyFromAmong("minmax", "percentile");
        var output = new Option<FileInfo>("--out")
        {
            Description = "The int8 backbone file to write (.onnx).",
            Required = true,
        };
        var command = new Command(
            "quantize",
            "Calibrate a backbone on --data's training images and write a stand-alone int8 backbone " +
            "(0..255 RGB in, feature map out) that works as --backbone FILE.onnx --normalization raw.")
        {
            o.Backbone, o.FeatureData, output, images, method, o.ImageSize, o.Normalization, o.Seed, o.Models,
        };
        command.SetAction(Cli.Guarded((r, token) => RunAsync(
            o.ChosenBackbone(r), r.GetValue(o.FeatureData)!, r.GetValue(output)!,
            new QuantizationOptions
            {
                CalibrationImages = r.GetValue(images),
                Method = r.GetValue(method) == "percentile" ? CalibrationMethod.Percentile : CalibrationMethod.MinMax,
            },
            r.GetValue(o.Seed), o.Runtime(r), token)));
        return command;
    }

    public static async Task<int> RunAsync(
        BackboneSpec backbone, DirectoryInfo data, FileInfo output, QuantizationOptions quantization, int seed,
        FeaturizerOptions runtime, CancellationToken token)
    {
        OutputFiles.CheckFile(output.FullName, "--out");
        AnsiConsole.MarkupLineInterpolated(
            $"[bold]Quantizing[/] [green]{backbone.Name}[/] ({backbone.InputSize}) to int8, calibrating on [blue]{
                data.FullName}[/]");
        await TrainCommand.EnsureDownloadedAsync([backbone], runtime, token);
        // The images train --precision int8 --seed S would draw: a seeded shuffle of the training part.
        var images = ImageDataset.FromFolder(data.FullName).Split(SplitRatios.Default, seed).Train
            .Select(i => i.Path).ToArray();
        new Random(seed).Shuffle(images);
        var clock = Stopwatch.StartNew();
        var calibration = await BackboneQuantizer.CalibrateAsync(
            backbone, images[..Math.Min(images.Length, quantization.CalibrationImages)], quantization,
            runtime.ModelStore, cancellationToken: token);
        var written = BackboneQuantizer.WriteInt8Backbone(
            backbone, calibration, output.FullName, runtime.ModelStore);

        var reduced = calibration.ReduceRange ? ", 7-bit weights: this CPU has no VNNI" : "";
        AnsiConsole.MarkupLineInterpolated(
            $"Calibrated on {calibration.Images} training images ({quantization.Method}{reduced}) in {
                clock.Elapsed.TotalSeconds:F1} s");
        AnsiConsole.MarkupLineInterpolated(
            $"{written.IntegerConvolutions} of {
                written.IntegerConvolutions + written.FloatConvolutions} convolutions run as QLinearConv ({
                written.FloatConvolutions} left in float)");
        AnsiConsole.MarkupLineInterpolated(
            $"Wrote [blue]{output.FullName}[/] ({
                output.Length / 1e6:F1} MB): 0..255 RGB pixels in, the feature map out");
        AnsiConsole.MarkupLineInterpolated(
            $"Use it: --backbone {output.FullName} --normalization raw --image-size {backbone.InputSize.Width}");
        return 0;
    }
}
