namespace TransferLearning.ImageClassification.Data;

/// <summary>A data set cannot be used as given (too few classes, an empty class, a missing folder, …).</summary>
public sealed class DatasetException : Exception
{
    /// <summary>Creates the exception with a message that says what is wrong and where.</summary>
    public DatasetException(string message) : base(message) { }

    /// <summary>Creates the exception with a message and the error behind it.</summary>
    public DatasetException(string message, Exception inner) : base(message, inner) { }
}
