using TransferLearning.ImageClassification.Backbones;

namespace TransferLearning.ImageClassification.Quantization;

/// <summary>A stand-alone int8 backbone file written by <see cref="BackboneQuantizer.WriteInt8Backbone"/>.</summary>
public sealed class QuantizedBackbone
{
    internal QuantizedBackbone(BackboneSpec spec, int integerConvolutions, int floatConvolutions)
    {
        Backbone = spec;
        IntegerConvolutions = integerConvolutions;
        FloatConvolutions = floatConvolutions;
    }

    /// <summary>The specification that loads it as a backbone.</summary>
    public BackboneSpec Backbone { get; }

    /// <summary>Convolutions ONNX Runtime runs in int8 (<c>QLinearConv</c>).</summary>
    public int IntegerConvolutions { get; }

    /// <summary>Convolutions left in float (0 when the recipe fused them all).</summary>
    public int FloatConvolutions { get; }
}
