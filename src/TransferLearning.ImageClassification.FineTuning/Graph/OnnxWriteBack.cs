using Google.Protobuf;
using Onnx;
using static TorchSharp.torch;

namespace TransferLearning.ImageClassification.FineTuning.Graph;

/// <summary>Trained weights written back into the graph they came from: each trained initializer's values replaced,
/// nothing else changed, so that ONNX Runtime runs the fine-tuned backbone as it ran the frozen one.</summary>
internal static class OnnxWriteBack
{
    /// <summary>A copy of <paramref name="model"/> with <paramref name="stage"/>'s trained weights (as
    /// float32).</summary>
    public static ModelProto With(ModelProto model, OnnxStageModule stage)
    {
        var copy = model.Clone();
        var trained = stage.TrainedWeights;
        foreach (var initializer in copy.Graph.Initializer)
        {
            if (!trained.TryGetValue(initializer.Name, out var weight)) continue;
            using var values = weight.detach().to_type(ScalarType.Float32).contiguous();
            if (!values.shape.SequenceEqual(initializer.Dims))
                throw new InvalidOperationException(
                    $"Trained weight '{initializer.Name}' is [{string.Join(", ", values.shape)}]; the graph's is " +
                    $"[{string.Join(", ", initializer.Dims)}].");
            initializer.FloatData.Clear();
            initializer.RawData = ByteString.CopyFrom(
                System.Runtime.InteropServices.MemoryMarshal.AsBytes(values.data<float>().ToArray().AsSpan()));
        }
        return copy;
    }
}
