namespace TransferLearning.ImageClassification.Data;

/// <summary>An image that was left out of a run, and why.</summary>
public sealed class SkippedImage
{
    internal SkippedImage(string path, string reason)
    {
        Path = path;
        Reason = reason;
    }

    /// <summary>Path of the image file.</summary>
    public string Path { get; }

    /// <summary>Why it could not be used, e.g. "not a supported image format".</summary>
    public string Reason { get; }
}
