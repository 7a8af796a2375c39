namespace TransferLearning.ImageClassification.Backbones;

/// <summary>
/// A backbone file, or features made with one, is not what was expected: its SHA-256 differs from the pinned one, it
/// changed since it was loaded, or feature files were made by another backbone, size or preprocessing.
/// </summary>
public sealed class BackboneMismatchException : Exception
{
    /// <summary>Creates the exception with a message naming what differs and how to restore it.</summary>
    public BackboneMismatchException(string message) : base(message) { }
}
