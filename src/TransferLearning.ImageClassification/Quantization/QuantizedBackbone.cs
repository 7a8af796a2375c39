using TransferLearning.ImageClassification.Backbones;

namespace TransferLearning.ImageClassification.Quantization;

/// <summary>A stand-alone int8 backbone file written by <see cref="BackboneQuantizer.WriteInt8Backbone"/>.</summary>
/// <param name="Spec">The specification that loads it as a backbone.</param>
/// <param name="IntegerConvolutions">Convolutions ONNX Runtime runs in int8 (<c>QLinearConv</c>).</param>
/// <param name="FloatConvolutions">Convolutions left in float (0 when the recipe fused them all).</param>
public sealed record QuantizedBackbone(BackboneSpec Spec, int IntegerConvolutions, int FloatConvolutions);
