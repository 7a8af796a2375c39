using Onnx;
using TransferLearning.ImageClassification.Backbones;

namespace TransferLearning.ImageClassification.Quantization;

/// <summary>
/// Folds each BatchNormalization that follows a convolution into it (W·γ/√(σ²+ε), (b − μ)·γ/√(σ²+ε) +
/// β), so the
/// int8 convolution carries the normalisation in its weights. A BatchNormalization after anything else (pre-activation
/// ResNet v2: BN → ReLU → Conv) stays and runs in float between a DequantizeLinear and a QuantizeLinear.
/// </summary>
internal static class BatchNormFolding
{
    /// <summary>Folds in place; returns how many were folded.</summary>
    public static int Fold(GraphProto graph)
    {
        var initializers = graph.Initializer.ToDictionary(i => i.Name);
        var producers = OnnxNodes.Producers(graph);
        var consumers = graph.Node.SelectMany(n => n.Input).GroupBy(i => i).ToDictionary(g => g.Key, g => g.Count());
        var outputs = graph.Output.Select(o => o.Name).ToHashSet();
        var folded = 0;
        foreach (var norm in graph.Node.Where(n => n.OpType == "BatchNormalization").ToArray())
        {
            if (!producers.TryGetValue(norm.Input[0], out var conv) || conv.OpType != "Conv"
                || consumers[conv.Output[0]] != 1 || outputs.Contains(conv.Output[0])
                || !norm.Input.Skip(1).All(initializers.ContainsKey) || !initializers.ContainsKey(conv.Input[1])
                || conv.Input.Count > 2 && !initializers.ContainsKey(conv.Input[2]))
                continue;
            var (gamma, beta, mean, variance) = (Floats(norm, 1), Floats(norm, 2), Floats(norm, 3), Floats(norm, 4));
            var epsilon = norm.Attribute.FirstOrDefault(a => a.Name == "epsilon")?.F ?? 1e-5f;
            var weightTensor = initializers[conv.Input[1]];
            var weights = OnnxTensors.Floats(weightTensor);
            var channels = gamma.Length;
            var bias = conv.Input.Count > 2 ? OnnxTensors.Floats(initializers[conv.Input[2]]) : new float[channels];
            var perChannel = weights.Length / channels;
            for (var c = 0; c < channels; c++)
            {
                var factor = gamma[c] / MathF.Sqrt(variance[c] + epsilon);
                foreach (ref var w in weights.AsSpan(c * perChannel, perChannel)) w *= factor;
                bias[c] = (bias[c] - mean[c]) * factor + beta[c];
            }
            // New names: the originals may be shared with another node.
            var name = norm.Output[0];
            graph.Initializer.Add(OnnxTensors.Float(name + "/folded_weight", [.. weightTensor.Dims], weights));
            graph.Initializer.Add(OnnxTensors.Float(name + "/folded_bias", [channels], bias));
            conv.Input[1] = name + "/folded_weight";
            if (conv.Input.Count > 2) conv.Input[2] = name + "/folded_bias";
            else conv.Input.Add(name + "/folded_bias");
            conv.Output[0] = name;
            graph.Node.Remove(norm);
            folded++;
        }
        OnnxNodes.RemoveUnusedInitializers(graph);
        return folded;

        float[] Floats(NodeProto node, int input) => OnnxTensors.Floats(initializers[node.Input[input]]);
    }
}
