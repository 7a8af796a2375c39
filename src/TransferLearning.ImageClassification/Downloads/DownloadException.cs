namespace TransferLearning.ImageClassification.Downloads;

/// <summary>
/// A file (a backbone or a dataset) could not be downloaded or was not the file expected; the message says which file,
/// from where, and what to do.
/// </summary>
public sealed class DownloadException : Exception
{
    /// <summary>Creates the exception.</summary>
    public DownloadException(string message, Exception? inner = null) : base(message, inner) { }
}
