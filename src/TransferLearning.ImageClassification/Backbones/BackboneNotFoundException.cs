namespace TransferLearning.ImageClassification.Backbones;

/// <summary>A backbone's ONNX file is missing, could not be downloaded, or is not the file it should be.</summary>
public class BackboneNotFoundException : Exception
{
    /// <summary>Creates the exception with a message naming the backbone, the path and what to do.</summary>
    public BackboneNotFoundException(string message) : base(message) { }

    /// <summary>Creates the exception with a message and the failure behind it.</summary>
    public BackboneNotFoundException(string message, Exception? inner) : base(message, inner) { }
}
