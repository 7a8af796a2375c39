namespace TransferLearning.ImageClassification.Data;

/// <summary>Relative weights of the train, validation and test parts of a split (need not sum to 1).</summary>
public sealed class SplitRatios
{
    /// <summary>The article's 80/10/10 split.</summary>
    public static SplitRatios Default { get; } = new(8, 1, 1);

    /// <summary>Creates split weights; train must be positive, the others non-negative.</summary>
    public SplitRatios(double train, double validation, double test)
    {
        if (!(train > 0) || !(validation >= 0) || !(test >= 0) || double.IsInfinity(train + validation + test))
            throw new ArgumentException("Split weights must be finite, train > 0, validation and test >= 0 (got " +
                $"{train}/{validation}/{test}).");
        Train = train;
        Validation = validation;
        Test = test;
    }

    /// <summary>Weight of the training part.</summary>
    public double Train { get; }

    /// <summary>Weight of the validation part (used for early stopping and the history's validation curve).</summary>
    public double Validation { get; }

    /// <summary>Weight of the test part.</summary>
    public double Test { get; }

    /// <summary>The same weights without a test part, for when test images come from elsewhere.</summary>
    internal SplitRatios WithoutTest() => new(Train, Validation, 0);
}
