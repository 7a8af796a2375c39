using System.Runtime.InteropServices;
using Google.Protobuf;
using Onnx;

namespace TransferLearning.ImageClassification.Quantization;

/// <summary>Reads and writes the float, int8 and int32 initializers the quantizer touches.</summary>
internal static class OnnxTensors
{
    public static float[] Floats(TensorProto tensor)
    {
        if (tensor.DataType != (int)TensorProto.Types.DataType.Float)
            throw new NotSupportedException(
                $"Initializer '{tensor.Name}' is {(TensorProto.Types.DataType)tensor.DataType}, not float.");
        if (tensor.DataLocation == TensorProto.Types.DataLocation.External)
            throw new NotSupportedException(
                $"Initializer '{tensor.Name}' lives in an external file; quantize a model with its weights inside.");
        return tensor.FloatData.Count > 0 ? [.. tensor.FloatData]
            : MemoryMarshal.Cast<byte, float>(tensor.RawData.Span).ToArray();
    }

    public static TensorProto Float(string name, long[] dims, ReadOnlySpan<float> values) =>
        Raw(name, TensorProto.Types.DataType.Float, dims, MemoryMarshal.AsBytes(values));

    public static TensorProto Int8(string name, long[] dims, ReadOnlySpan<sbyte> values) =>
        Raw(name, TensorProto.Types.DataType.Int8, dims, MemoryMarshal.AsBytes(values));

    public static TensorProto UInt8(string name, long[] dims, ReadOnlySpan<byte> values) =>
        Raw(name, TensorProto.Types.DataType.Uint8, dims, values);

    public static TensorProto Int32(string name, long[] dims, ReadOnlySpan<int> values) =>
        Raw(name, TensorProto.Types.DataType.Int32, dims, MemoryMarshal.AsBytes(values));

    private static TensorProto Raw(string name, TensorProto.Types.DataType type, long[] dims, ReadOnlySpan<byte> bytes)
    {
        var tensor = new TensorProto { Name = name, DataType = (int)type, RawData = ByteString.CopyFrom(bytes) };
        tensor.Dims.Add(dims);
        return tensor;
    }
}
