using Onnx;

namespace TransferLearning.ImageClassification.Backbones;

/// <summary>
/// Lifts a backbone graph to a later opset: 13 for int8 quantization (per-channel QuantizeLinear), 18 for an exported
/// classifier (Resize with antialiasing). Backbones come in opsets 7 to 13; most of their operators mean the same at
/// 18, a few moved attributes to inputs, and the rest are
/// refused by name rather than guessed at.
/// </summary>
internal static class OpsetUpgrade
{
    // Operators whose meaning, for inference, did not change between opset 7 and 18.
    private static readonly HashSet<string> Unchanged =
    [
        "Add", "Sub", "Mul", "Div", "Sum", "Relu", "LeakyRelu", "PRelu", "Sigmoid", "Tanh", "Conv", "MaxPool",
        "AveragePool",
        "GlobalAveragePool", "GlobalMaxPool", "LRN", "Concat", "Flatten", "Gemm", "MatMul", "Identity", "Reshape",
        "Transpose", "Constant", "Shape", "Gather",
        "QuantizeLinear",
        "DequantizeLinear", // the same from 13 (per-axis scales) to 18; int8 backbones are built at 13
    ];

    /// <param name="model">The graph, changed in place.</param>
    /// <param name="opset">The opset to reach.</param>
    /// <param name="backbone">Named in errors.</param>
    /// <param name="purpose">What needs the opset, for errors, e.g. "exporting to one ONNX file".</param>
    /// <exception cref="NotSupportedException">The graph uses an operator this upgrade does not know to be
    /// safe.</exception>
    public static void To(ModelProto model, int opset, string backbone, string purpose)
    {
        var from = model.OpsetImport.Where(o => o.Domain is "" or "ai.onnx").Select(o => o.Version)
            .DefaultIfEmpty(opset).Max();
        if (from >= opset) return;
        var graph = model.Graph;
        foreach (var node in graph.Node.ToArray())
        {
            switch (node.OpType)
            {
                case var op when Unchanged.Contains(op):
                    break;
                case "BatchNormalization":
                    // Opset 9 dropped "spatial" (always 1 since); inference has one output.
                    RemoveAttributes(node, "spatial", "is_test", "consumed_inputs", "momentum");
                    TrimOutputs(node, 1);
                    break;
                case "Dropout":
                    // At inference Dropout is the identity; its ratio moved from attribute to input in opset 12.
                    node.OpType = "Identity";
                    node.Attribute.Clear();
                    TrimOutputs(node, 1);
                    break;
                case "Clip" when from < 11:
                    AttributeToInputs(graph, node, ("min", float.MinValue), ("max", float.MaxValue));
                    break;
                case "Clip":
                    break; // from 11 on, min and max are inputs; later versions only add types
                case "Squeeze" or "Unsqueeze" when from < 13:
                    AxesToInput(graph, node);
                    break;
                default:
                    throw new NotSupportedException(
                        $"Backbone '{backbone}' uses {node.OpType} at opset {from}; {purpose} needs opset {opset}, " +
                        "and this "
                        + "upgrade does not know that operator to be unchanged. Convert the backbone to opset " +
                            $"{opset} (onnx.version_converter) and load it with BackboneSpec.FromOnnxFile.");
            }
        }
        foreach (var old in model.OpsetImport.Where(o => o.Domain is "" or "ai.onnx").ToArray())
            model.OpsetImport.Remove(old);
        model.OpsetImport.Add(new OperatorSetIdProto {
            Domain = "", Version = opset }); // other domains (ai.onnx.ml) keep theirs
    }

    private static void RemoveAttributes(NodeProto node, params string[] names)
    {
        foreach (var attribute in node.Attribute.Where(a => names.Contains(a.Name)).ToArray())
            node.Attribute.Remove(attribute);
    }

    private static void TrimOutputs(NodeProto node, int keep)
    {
        while (node.Output.Count > keep) node.Output.RemoveAt(node.Output.Count - 1);
    }

    private static void AttributeToInputs(
        GraphProto graph, NodeProto node, params (string Name, float Default)[] attributes)
    {
        foreach (var (name, fallback) in attributes)
        {
            var value = node.Attribute.FirstOrDefault(a => a.Name == name)?.F ?? fallback;
            node.Input.Add(OnnxNodes.Constant(
                graph, $"{node.Output[0]}/{name}", TensorProto.Types.DataType.Float, [], BitConverter.GetBytes(value)));
        }
        RemoveAttributes(node, attributes.Select(a => a.Name).ToArray());
    }

    private static void AxesToInput(GraphProto graph, NodeProto node)
    {
        var axes = node.Attribute.FirstOrDefault(a => a.Name == "axes")?.Ints.ToArray() ?? [];
        RemoveAttributes(node, "axes");
        if (axes.Length > 0)
            node.Input.Add(OnnxNodes.Constant(graph, $"{node.Output[0]}/axes", TensorProto.Types.DataType.Int64,
                [axes.Length], System.Runtime.InteropServices.MemoryMarshal.AsBytes(axes.AsSpan())));
    }
}
