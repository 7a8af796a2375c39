using Google.Protobuf;
using Onnx;

namespace TransferLearning.ImageClassification.Backbones;

/// <summary>The few ONNX graph edits this library makes: append a node, build an attribute, add a constant tensor, find
/// producers, drop unused weights.</summary>
internal static class OnnxNodes
{
    /// <summary>Appends a node named after its one output; returns that output.</summary>
    public static string Add(
        GraphProto graph, string opType, string[] inputs, string output, params AttributeProto[] attributes)
    {
        var node = new NodeProto { OpType = opType, Name = output, Input = { inputs }, Output = { output } };
        node.Attribute.AddRange(attributes);
        graph.Node.Add(node);
        return output;
    }

    /// <summary>Adds a constant tensor (initializer) from raw little-endian bytes; returns its name.</summary>
    public static string Constant(
        GraphProto graph, string name, TensorProto.Types.DataType type, long[] dims, ReadOnlySpan<byte> raw)
    {
        var tensor = new TensorProto { Name = name, DataType = (int)type, RawData = ByteString.CopyFrom(raw) };
        tensor.Dims.Add(dims);
        graph.Initializer.Add(tensor);
        return name;
    }

    /// <summary>Each tensor's producing node.</summary>
    public static Dictionary<string, NodeProto> Producers(GraphProto graph) =>
        graph.Node.SelectMany(n => n.Output.Select(o => (Tensor: o, Node: n))).ToDictionary(p => p.Tensor, p => p.Node);

    /// <summary>Drops initializers no node reads, and their graph-input entries (IR version 3 lists weights as inputs
    /// too).</summary>
    public static void RemoveUnusedInitializers(GraphProto graph)
    {
        var used = graph.Node.SelectMany(n => n.Input).Concat(graph.Output.Select(o => o.Name)).ToHashSet();
        var unused = graph.Initializer.Where(i => !used.Contains(i.Name)).ToArray();
        var names = unused.Select(i => i.Name).ToHashSet();
        foreach (var initializer in unused) graph.Initializer.Remove(initializer);
        foreach (var input in graph.Input.Where(i => names.Contains(i.Name)).ToArray()) graph.Input.Remove(input);
    }

    public static AttributeProto Int(string name, long value) =>
        new() { Name = name, Type = AttributeProto.Types.AttributeType.Int, I = value };

    public static AttributeProto Ints(string name, params long[] values) =>
        new() { Name = name, Type = AttributeProto.Types.AttributeType.Ints, Ints = { values } };

    public static AttributeProto Text(string name, string value) =>
        new() { Name = name, Type = AttributeProto.Types.AttributeType.String, S = ByteString.CopyFromUtf8(value) };
}
