using TransferLearning.ImageClassification.Backbones;

namespace TransferLearning.ImageClassification.Downloads;

/// <summary>A backbone could not be downloaded; the message says which file, from where, and where to put it by hand.</summary>
public sealed class ModelDownloadException : BackboneNotFoundException
{
    /// <summary>Creates the exception.</summary>
    public ModelDownloadException(string message, Exception? inner = null) : base(message, inner) { }
}
