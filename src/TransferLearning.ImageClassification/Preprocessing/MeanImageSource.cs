namespace TransferLearning.ImageClassification.Preprocessing;

/// <summary>A mean image kept as a float initializer <paramref name="Initializer"/> (shape [1,3,H,W], planes in the
/// backbone's order) inside ONNX file <paramref name="OnnxFile"/>.</summary>
/// <param name="OnnxFile">Path of the ONNX file holding the initializer.</param>
/// <param name="Initializer">Name of the initializer.</param>
internal sealed record MeanImageSource(string OnnxFile, string Initializer)
{
    internal string Fingerprint => $"{Path.GetFileName(OnnxFile)}#{Initializer}";
}
