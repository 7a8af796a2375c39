namespace TransferLearning.ImageClassification.Backbones;

/// <summary>A backbone's ONNX file is missing (not downloaded yet, or moved), or the backbone is not in the
/// catalogue.</summary>
public sealed class BackboneNotFoundException : Exception
{
    /// <summary>Creates the exception with a message naming the backbone, the path and what to do.</summary>
    public BackboneNotFoundException(string message) : base(message) { }
}
