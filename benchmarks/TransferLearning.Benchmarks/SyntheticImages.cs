using SkiaSharp;

namespace TransferLearning.Benchmarks;

/// <summary>Seeded 500x375 JPEG photos-alike (gradients and shapes), standing in for cats_vs_dogs' decode cost.</summary>
internal static class SyntheticImages
{
    public static string[] WriteJpegs(string folder, int count, int seed = 1)
    {
        Directory.CreateDirectory(folder);
        var random = new Random(seed);
        var paths = new string[count];
        using var bitmap = new SKBitmap(500, 375);
        using var canvas = new SKCanvas(bitmap);
        using var paint = new SKPaint { IsAntialias = true };
        for (var i = 0; i < count; i++)
        {
            using (var shader = SKShader.CreateLinearGradient(
                new SKPoint(0, 0), new SKPoint(500, 375), [RandomColor(random), RandomColor(random)], SKShaderTileMode.Clamp))
            {
                paint.Shader = shader;
                canvas.DrawRect(0, 0, 500, 375, paint);
                paint.Shader = null;
            }
            for (var s = 0; s < 12; s++)
            {
                paint.Color = RandomColor(random);
                canvas.DrawCircle(random.Next(500), random.Next(375), random.Next(10, 90), paint);
            }
            paths[i] = Path.Combine(folder, $"{i:D5}.jpg");
            using var data = bitmap.Encode(SKEncodedImageFormat.Jpeg, 90);
            File.WriteAllBytes(paths[i], data.ToArray());
        }
        return paths;
    }

    private static SKColor RandomColor(Random random) => new((byte)random.Next(256), (byte)random.Next(256), (byte)random.Next(256));
}
