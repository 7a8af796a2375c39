namespace TransferLearning.ImageClassification.Training;

/// <summary>Images used per part of the split, and images skipped.</summary>
public sealed class ImageCounts
{
    internal ImageCounts(int train, int validation, int test, int skipped)
    {
        Train = train;
        Validation = validation;
        Test = test;
        Skipped = skipped;
    }

    /// <summary>Training images.</summary>
    public int Train { get; }

    /// <summary>Validation images.</summary>
    public int Validation { get; }

    /// <summary>Test images.</summary>
    public int Test { get; }

    /// <summary>Images that could not be used.</summary>
    public int Skipped { get; }
}
