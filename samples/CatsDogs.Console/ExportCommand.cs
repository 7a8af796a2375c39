using System.CommandLine;
using Spectre.Console;
using TransferLearning.ImageClassification.Classification;
using TransferLearning.ImageClassification.Features;
using TransferLearning.ImageClassification.Export;

namespace CatsDogs.Console;

/// <summary>export: a saved model as one self-contained ONNX file.</summary>
internal static class ExportCommand
{
    public static Command Create(CliOptions o)
    {
        var onnx = new Option<FileInfo>("--onnx")
        {
            Description = "The ONNX file to write: uint8 RGB [N, H, W, 3] in, probabilities and label out.",
            Required = true,
        };
        var command = new Command(
            "export",
            "Write a saved model as one ONNX file (resize, normalisation, backbone, head inside) for any ONNX runtime.")
        {
            o.Model, o.Output, o.Models, onnx,
        };
        command.SetAction(Cli.Guarded((r, token) => RunAsync(o.ModelPath(r), o.Runtime(r), r.GetValue(onnx)!)));
        return command;
    }

    public static Task<int> RunAsync(FileInfo model, FeaturizerOptions runtime, FileInfo onnx)
    {
        OutputFiles.CheckFile(onnx.FullName, "--onnx");
        using var classifier = TransferClassifier.Load(model.FullName, options: runtime, logger: Output.Logger);
        classifier.ExportOnnx(onnx.FullName);
        onnx.Refresh();
        AnsiConsole.MarkupLineInterpolated(
            $"Wrote [blue]{onnx.FullName}[/] ({
                onnx.Length / 1e6:F1} MB): image uint8 [[N, H, W, 3]] RGB → probabilities [[N, {
                classifier.Classes.Count}]], label [[N]]");
        return Task.FromResult(0);
    }
}
