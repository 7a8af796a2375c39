using TorchSharp;
using TorchSharp.Modules;
using TransferLearning.ImageClassification.Head;
using static TorchSharp.torch;

namespace TransferLearning.ImageClassification.FineTuning.Training;

/// <summary>The trained dense head as TorchSharp layers, to train on with the stage: its weights (standardisation
/// already folded in) start where the frozen run left them, and go back into a <see cref="DenseHead"/>.</summary>
internal sealed class TorchHead : nn.Module<Tensor, Tensor>
{
    private readonly ModuleList<Linear> _layers = new();
    private readonly int[] _sizes;
    private readonly double _dropout;

    /// <param name="head">The frozen run's head.</param>
    /// <param name="dropout">Share of hidden units dropped while training (the head's own setting).</param>
    public TorchHead(DenseHead head, double dropout) : base(nameof(TorchHead))
    {
        _sizes = [.. head.LayerSizes];
        _dropout = dropout;
        var parameters = head.Parameters;
        var offset = 0;
        for (var layer = 0; layer < _sizes.Length - 1; layer++)
        {
            var (inSize, outSize) = (_sizes[layer], _sizes[layer + 1]);
            var linear = nn.Linear(inSize, outSize);
            using (NewDisposeScope())
            using (no_grad())
            {
                linear.weight!.copy_(tensor(parameters.Slice(offset, inSize * outSize).ToArray(), [outSize, inSize]));
                linear.bias!.copy_(tensor(parameters.Slice(offset + inSize * outSize, outSize).ToArray(), [outSize]));
            }
            offset += (inSize + 1) * outSize;
            _layers.Add(linear);
        }
        RegisterComponents();
    }

    /// <summary>Logits of [batch, features].</summary>
    public override Tensor forward(Tensor features)
    {
        var x = features;
        for (var layer = 0; layer < _layers.Count; layer++)
        {
            x = _layers[layer].call(x);
            if (layer < _layers.Count - 1) x = nn.functional.dropout(nn.functional.relu(x), _dropout, training);
        }
        return x;
    }

    /// <summary>The weights now, as the library's head.</summary>
    public DenseHead ToDenseHead()
    {
        using var scope = NewDisposeScope();
        var parameters = new List<float>();
        foreach (var linear in _layers)
        {
            parameters.AddRange(linear.weight!.detach().cpu().data<float>());
            parameters.AddRange(linear.bias!.detach().cpu().data<float>());
        }
        return new DenseHead(_sizes, [.. parameters]);
    }
}
