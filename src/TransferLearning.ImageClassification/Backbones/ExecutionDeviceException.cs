namespace TransferLearning.ImageClassification.Backbones;

/// <summary>The requested execution device cannot be used; the message says what is missing.</summary>
public sealed class ExecutionDeviceException : Exception
{
    /// <summary>Creates the exception with a message naming the device and what is missing.</summary>
    public ExecutionDeviceException(string message, Exception? inner = null) : base(message, inner) { }
}
