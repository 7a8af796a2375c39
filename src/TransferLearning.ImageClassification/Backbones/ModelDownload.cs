namespace TransferLearning.ImageClassification.Backbones;

/// <summary>Where a backbone's ONNX file is published: HTTPS address, size, and the name the model store keeps it
/// under.</summary>
public sealed class ModelDownload
{
    internal ModelDownload(Uri url, long bytes, string fileName)
    {
        Url = url;
        Bytes = bytes;
        FileName = fileName;
    }

    /// <summary>HTTPS address of the file.</summary>
    public Uri Url { get; }

    /// <summary>Exact size of the file.</summary>
    public long Bytes { get; }

    /// <summary>File name in the model store, e.g. "vgg16-7.onnx".</summary>
    public string FileName { get; }
}
