using System.Runtime.InteropServices;
using Onnx;
using TorchSharp;
using static TorchSharp.torch;

namespace TransferLearning.ImageClassification.FineTuning.Graph;

/// <summary>An ONNX initializer as a TorchSharp tensor (float32 weights, int64 shapes and pads).</summary>
internal static class OnnxTensors
{
    public static Tensor ToTorch(TensorProto proto)
    {
        var dims = proto.Dims.ToArray();
        return (TensorProto.Types.DataType)proto.DataType switch
        {
            TensorProto.Types.DataType.Float => torch.tensor(proto.FloatData.Count > 0 ? proto.FloatData.ToArray()
                : MemoryMarshal.Cast<byte, float>(proto.RawData.Span).ToArray(), dims),
            TensorProto.Types.DataType.Int64 => torch.tensor(proto.Int64Data.Count > 0 ? proto.Int64Data.ToArray()
                : MemoryMarshal.Cast<byte, long>(proto.RawData.Span).ToArray(), dims),
            var type => throw new NotSupportedException(
                $"Initializer '{proto.Name}' holds {type}; fine-tuning reads float and int64 initializers."),
        };
    }
}
