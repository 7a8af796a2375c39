namespace TransferLearning.ImageClassification.Downloads;

/// <summary>How far a model download has got.</summary>
/// <param name="FileName">The file being downloaded.</param>
/// <param name="BytesReceived">Bytes on disk so far, including those of an earlier, resumed attempt.</param>
/// <param name="TotalBytes">Size of the whole file.</param>
/// <param name="BytesPerSecond">Transfer rate of the current attempt.</param>
public sealed record DownloadProgress(string FileName, long BytesReceived, long TotalBytes, double BytesPerSecond)
{
    /// <summary>Fraction done, 0..1.</summary>
    public double Fraction => TotalBytes > 0 ? (double)BytesReceived / TotalBytes : 0;
}
