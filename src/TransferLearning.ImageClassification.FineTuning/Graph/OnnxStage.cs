using Onnx;

namespace TransferLearning.ImageClassification.FineTuning.Graph;

/// <summary>
/// The part of an ONNX graph between a stage boundary (a tensor, e.g. ResNet18's layer3 output) and the cut: every
/// node the cut depends on, in graph order, without the nodes the boundary itself depends on (the frozen part), and
/// the initializers those nodes read.
/// </summary>
internal sealed record OnnxStage(
    string Input, string Output, IReadOnlyList<NodeProto> Nodes, IReadOnlyDictionary<string, TensorProto> Initializers)
{
    /// <exception cref="ArgumentException">The graph has no node making <paramref name="output"/>, or the output does
    /// not depend on <paramref name="input"/>.</exception>
    public static OnnxStage Between(GraphProto graph, string input, string output)
    {
        var producers = graph.Node.SelectMany(n => n.Output.Select(o => (Tensor: o, Node: n)))
            .ToDictionary(p => p.Tensor, p => p.Node);
        if (!producers.ContainsKey(output))
            throw new ArgumentException($"The graph has no node output '{output}'.", nameof(output));
        var initializers = graph.Initializer.ToDictionary(i => i.Name);
        var needed = new HashSet<NodeProto>();
        var reachesInput = false;
        var pending = new Stack<string>([output]);
        var seen = new HashSet<string>();
        while (pending.TryPop(out var tensor))
        {
            if (!seen.Add(tensor)) continue;
            if (tensor == input)
            {
                reachesInput = true;
                continue; // the frozen part ends here
            }
            if (!producers.TryGetValue(tensor, out var node))
            {
                if (initializers.ContainsKey(tensor)) continue;
                throw new ArgumentException($"The stage reads '{tensor}', which is neither made after '{input}' nor " +
                    "a weight: choose a boundary the stage takes all its input from.", nameof(input));
            }
            needed.Add(node);
            foreach (var name in node.Input.Where(n => n.Length > 0)) pending.Push(name);
        }
        if (!reachesInput)
            throw new ArgumentException($"'{output}' does not depend on '{input}': no stage lies between them.",
                nameof(input));
        var nodes = graph.Node.Where(needed.Contains).ToArray();
        // Only first outputs are computed (MaxPool's indices, Dropout's mask are not).
        var read = nodes.SelectMany(n => n.Input).Append(output).ToHashSet();
        if (nodes.FirstOrDefault(n => n.Output.Skip(1).Any(read.Contains)) is { } extra)
            throw new NotSupportedException($"The stage uses a second output of {extra.OpType} node '{extra.Name}'; " +
                "fine-tuning computes first outputs.");
        var used = nodes.SelectMany(n => n.Input).Where(initializers.ContainsKey).Distinct()
            .ToDictionary(name => name, name => initializers[name]);
        return new OnnxStage(input, output, nodes, used);
    }
}
