using SkiaSharp;

namespace TransferLearning.ImageClassification.Tests.Support;

/// <summary>
/// A synthetic set whose class is where a bright square sits: in the "left" or "right" third of dark grey noise. The
/// square is bright coloured noise, its hue set by where it is (red at the left edge to blue at the right), so what
/// tells the classes apart lies inside it: a pooled head sees what is in an image, not where. Noise rather than a flat
/// or checkered fill gives every part of the square the same texture, so the square's edges are not its strongest part.
/// </summary>
internal static class BrightSquares
{
    public const int Side = 128;
    public const int Square = 36;
    private const int Margin = 8;

    /// <summary>Writes <paramref name="perClass"/> PNGs per class under <paramref name="folder"/>/left|right; returns each image's square.</summary>
    public static IReadOnlyDictionary<string, SKRectI> Write(string folder, int perClass, int seed)
    {
        var random = new Random(seed);
        var squares = new Dictionary<string, SKRectI>();
        foreach (var label in new[] { "left", "right" })
        {
            Directory.CreateDirectory(Path.Combine(folder, label));
            for (var i = 0; i < perClass; i++)
            {
                var x = random.Next(Margin, Side / 3 - Square / 2);
                if (label == "right") x = Side - Square - x;
                var y = random.Next(Margin, Side - Square - Margin);
                var square = SKRectI.Create(x, y, Square, Square);
                var path = Path.Combine(folder, label, $"{label}{i:D3}.png");
                File.WriteAllBytes(path, Draw(square, random));
                squares[path] = square;
            }
        }
        return squares;
    }

    private static byte[] Draw(SKRectI square, Random random)
    {
        var rgba = new byte[Side * Side * 4];
        for (var y = 0; y < Side; y++)
            for (var x = 0; x < Side; x++)
            {
                var (saturation, value) = square.Contains(x, y) ? (90f, 50 + 50 * random.NextSingle()) : (0f, 10 + 10 * random.NextSingle());
                var color = SKColor.FromHsv(240f * (square.Left + Square / 2) / Side, saturation, value);
                var at = (y * Side + x) * 4;
                (rgba[at], rgba[at + 1], rgba[at + 2]) = (color.Red, color.Green, color.Blue);
            }
        return TestImages.EncodePixels(SKEncodedImageFormat.Png, Side, Side, rgba);
    }
}
