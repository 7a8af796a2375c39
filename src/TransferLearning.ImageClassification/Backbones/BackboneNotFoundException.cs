namespace TransferLearning.ImageClassification.Backbones;

/// <summary>A backbone's ONNX file is missing or is not the file it should be.</summary>
public sealed class BackboneNotFoundException : Exception
{
    /// <summary>Creates the exception with a message naming the backbone, the path and what to do.</summary>
    public BackboneNotFoundException(string message) : base(message) { }
}
