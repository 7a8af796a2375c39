namespace TransferLearning.ImageClassification.Preprocessing;

/// <summary>An image already decoded elsewhere: 8-bit RGBA, row by row, <c>Width × Height × 4</c> bytes.</summary>
internal sealed record RgbaPixels(byte[] Pixels, int Width, int Height);
