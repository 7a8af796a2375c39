namespace TransferLearning.ImageClassification.Preprocessing;

/// <summary>Width and height in pixels.</summary>
/// <param name="Width">Width in pixels.</param>
/// <param name="Height">Height in pixels.</param>
public readonly record struct ImageSize(int Width, int Height)
{
    /// <summary>Number of pixels.</summary>
    public int Area => Width * Height;

    /// <inheritdoc />
    public override string ToString() => $"{Width}x{Height}";
}
