using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace TransferLearning.ImageClassification.FineTuning.Graph;

/// <summary>
/// A stage of an ONNX graph (<see cref="OnnxStage"/>) as a TorchSharp module that runs its nodes in order. The graph's
/// initializers are its weights: those of convolutions, Gemm and MatMul, and BatchNormalization's scale and shift are
/// trainable parameters; BatchNormalization's running statistics (inference mode, as Keras and fastai fine-tune) and
/// constants such as shapes and pads are buffers.
/// </summary>
internal sealed class OnnxStageModule : nn.Module<Tensor, Tensor>
{
    private readonly OnnxStage _stage;
    private readonly Dictionary<string, string> _keys = []; // ONNX initializer name → registered name

    /// <exception cref="NotSupportedException">A node's operator is not one fine-tuning can train through; the message
    /// names it.</exception>
    public OnnxStageModule(OnnxStage stage) : base(nameof(OnnxStageModule))
    {
        foreach (var node in stage.Nodes) OnnxOperators.Check(node);
        var trainable = Trainable(stage);
        var index = 0;
        foreach (var (name, proto) in stage.Initializers)
        {
            var tensor = OnnxTensors.ToTorch(proto);
            // Registered under short names: ONNX names may hold the dots TorchSharp uses as separators.
            var key = _keys[name] = $"w{index++}";
            if (trainable.Contains(name)) register_parameter(key, new Parameter(tensor, requires_grad: true));
            else register_buffer(key, tensor);
        }
        _stage = stage;
    }

    /// <summary>Each initializer's tensor by its ONNX name, as registered now (after <c>to</c>, the converted ones):
    /// the trained weights to write back into the graph.</summary>
    public IReadOnlyDictionary<string, Tensor> Weights =>
        _keys.ToDictionary(k => k.Key, k => (Tensor?)get_parameter(k.Value) ?? get_buffer(k.Value)!);

    /// <summary>The trainable weights by their ONNX initializer names.</summary>
    public IReadOnlyDictionary<string, Tensor> TrainedWeights =>
        _keys.Where(k => get_parameter(k.Value) is not null)
            .ToDictionary(k => k.Key, k => (Tensor)get_parameter(k.Value)!);

    public override Tensor forward(Tensor input)
    {
        var values = new Dictionary<string, Tensor>(Weights) { [_stage.Input] = input };
        foreach (var node in _stage.Nodes)
            values[node.Output[0]] = OnnxOperators.Run(
                node, [.. node.Input.Select(name => name.Length == 0 ? null : values[name])]);
        return values[_stage.Output];
    }

    /// <summary>The initializers that train: weights and biases of Conv, Gemm and MatMul, BatchNormalization's scale
    /// and shift.</summary>
    private static HashSet<string> Trainable(OnnxStage stage) =>
    [
        .. stage.Nodes.SelectMany(node => node.OpType switch
        {
            "Conv" or "Gemm" or "MatMul" => node.Input.Skip(1),
            "BatchNormalization" => node.Input.Skip(1).Take(2),
            _ => [],
        }).Where(stage.Initializers.ContainsKey),
    ];
}
