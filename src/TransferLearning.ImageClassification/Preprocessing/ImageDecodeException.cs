namespace TransferLearning.ImageClassification.Preprocessing;

/// <summary>Bytes that could not be turned into an image; the message is the reason a caller reports.</summary>
public sealed class ImageDecodeException : Exception
{
    /// <summary>Creates the exception with the reason the image could not be decoded.</summary>
    public ImageDecodeException(string reason) : base(reason) { }
}
