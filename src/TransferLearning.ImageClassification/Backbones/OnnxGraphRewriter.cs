using Google.Protobuf;
using Onnx;

namespace TransferLearning.ImageClassification.Backbones;

/// <summary>Small edits of an ONNX graph so a frozen classifier network serves as a batched feature extractor.</summary>
internal static class OnnxGraphRewriter
{
    /// <summary>
    /// Makes the batch dimension (dimension 0) of inputs, outputs and intermediate shapes symbolic ("N"), and exposes
    /// <paramref name="featureNode"/> as the only output. Weights and operators are untouched, so the features are the
    /// same values the original graph computes.
    /// </summary>
    public static byte[] ToBatchedFeatureExtractor(byte[] model, string featureNode)
    {
        var proto = ModelProto.Parser.ParseFrom(model);
        var graph = proto.Graph;
        if (!graph.Node.Any(n => n.Output.Contains(featureNode)))
            throw new InvalidDataException(
                $"The ONNX graph has no node output '{featureNode}'. Outputs: {string.Join(", ", graph.Output.Select(o => o.Name))}.");

        var output = graph.Output.FirstOrDefault(o => o.Name == featureNode)
            ?? graph.ValueInfo.FirstOrDefault(v => v.Name == featureNode)
            ?? new ValueInfoProto { Name = featureNode };
        graph.Output.Clear();
        graph.Output.Add(output);
        // OnnxSharp rewrites dim 0 everywhere it is fixed, including Reshape targets that bake in batch = 1.
        graph.SetDim();
        return proto.ToByteArray();
    }
}
