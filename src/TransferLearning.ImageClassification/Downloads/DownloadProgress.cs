namespace TransferLearning.ImageClassification.Downloads;

/// <summary>How far a model download has got.</summary>
public sealed class DownloadProgress
{
    internal DownloadProgress(string fileName, long bytesReceived, long totalBytes, double bytesPerSecond)
    {
        FileName = fileName;
        BytesReceived = bytesReceived;
        TotalBytes = totalBytes;
        BytesPerSecond = bytesPerSecond;
    }

    /// <summary>The file being downloaded.</summary>
    public string FileName { get; }

    /// <summary>Bytes on disk so far, including those of an earlier, resumed attempt.</summary>
    public long BytesReceived { get; }

    /// <summary>Size of the whole file.</summary>
    public long TotalBytes { get; }

    /// <summary>Transfer rate of the current attempt.</summary>
    public double BytesPerSecond { get; }

    /// <summary>Fraction done, 0..1.</summary>
    public double Fraction => TotalBytes > 0 ? (double)BytesReceived / TotalBytes : 0;
}
