using Google.Protobuf;
using Onnx;
using TransferLearning.ImageClassification.Backbones;
using static TorchSharp.torch;

namespace TransferLearning.ImageClassification.FineTuning.Graph;

/// <summary>Trained weights written back into the graph they came from: each trained initializer's values replaced,
/// nothing else changed, so that ONNX Runtime runs the fine-tuned backbone as it ran the frozen one.</summary>
internal static class OnnxWriteBack
{
    /// <summary>The stage's trainable weights now, as float32, by their initializer names.</summary>
    public static BackboneWeights Weights(OnnxStageModule stage)
    {
        using var scope = NewDisposeScope();
        return new(stage.TrainedWeights.Select(w =>
        {
            var values = w.Value.detach().to_type(ScalarType.Float32).cpu().contiguous();
            return (w.Key, values.shape, values.data<float>().ToArray());
        }).ToArray());
    }

    /// <summary>A copy of <paramref name="model"/> with <paramref name="stage"/>'s trained weights.</summary>
    /// <exception cref="InvalidDataException">A trained weight has no initializer of its name and shape.</exception>
    public static ModelProto With(ModelProto model, OnnxStageModule stage) =>
        ModelProto.Parser.ParseFrom(Weights(stage).Apply(model.ToByteArray()));
}
