using Spectre.Console;
using TransferLearning.ImageClassification.Classification;
using TransferLearning.ImageClassification.Features;
using TransferLearning.ImageClassification.Export;

namespace CatsDogs.Console;

/// <summary>export: a saved model as one self-contained ONNX file.</summary>
internal static class ExportCommand
{
    public static Task<int> RunAsync(FileInfo model, FeaturizerOptions runtime, FileInfo onnx)
    {
        OutputFiles.CheckFile(onnx.FullName, "--onnx");
        using var classifier = TransferClassifier.Load(model.FullName, options: runtime, logger: Output.Logger);
        classifier.ExportOnnx(onnx.FullName);
        onnx.Refresh();
        AnsiConsole.MarkupLineInterpolated(
            $"Wrote [blue]{onnx.FullName}[/] ({onnx.Length / 1e6:F1} MB): image uint8 [[N, H, W, 3]] RGB → probabilities [[N, {classifier.Classes.Count}]], label [[N]]");
        return Task.FromResult(0);
    }
}
