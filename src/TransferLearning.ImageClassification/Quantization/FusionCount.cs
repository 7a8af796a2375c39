using Microsoft.ML.OnnxRuntime;
using Onnx;

namespace TransferLearning.ImageClassification.Quantization;

/// <summary>
/// How ONNX Runtime runs a quantized graph: its optimised graph (extended level, where QDQ groups become integer
/// kernels) read back, counting convolutions that run in int8 (<c>QLinearConv</c>) against those left in float.
/// </summary>
internal sealed record FusionCount(int IntegerConvolutions, int FloatConvolutions, int IntegerAdds)
{
    public static FusionCount Of(byte[] model)
    {
        var file = Path.Combine(Path.GetTempPath(), $"tl-fusion-{Guid.NewGuid():N}.onnx");
        try
        {
            using (var options = new SessionOptions {
                GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_EXTENDED, OptimizedModelFilePath = file })
            using (new InferenceSession(model, options))
            {
            }
            var graph = ModelProto.Parser.ParseFrom(File.ReadAllBytes(file)).Graph;
            return new FusionCount(
                graph.Node.Count(n => n.OpType == "QLinearConv"),
                graph.Node.Count(n => n.OpType is "Conv" or "FusedConv"),
                graph.Node.Count(n => n.OpType == "QLinearAdd"));
        }
        finally
        {
            File.Delete(file);
        }
    }
}
