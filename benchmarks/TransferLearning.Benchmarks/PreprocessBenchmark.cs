using System.Diagnostics;
using SkiaSharp;
using TransferLearning.ImageClassification.Preprocessing;

namespace TransferLearning.Benchmarks;

/// <summary>
/// Decode and resize alone, one thread, same images, same run: SkiaSharp's resize as the library did it up to 0.4.0
/// against the library's own (EXIF-upright decode, then ONNX Resize's antialiased bilinear in managed code).
/// </summary>
internal static class PreprocessBenchmark
{
    /// <summary>preprocess [FOLDER] [--synthetic N] [--limit N] [--size S]</summary>
    public static void Run(string[] args)
    {
        var (folder, synthetic, limit, side) = ((string?)null, (int?)null, 3000, 224);
        for (var i = 0; i < args.Length; i++)
        {
            int Next() => int.Parse(args[++i], System.Globalization.CultureInfo.InvariantCulture);
            switch (args[i])
            {
                case "--synthetic": synthetic = Next(); break;
                case "--limit": limit = Next(); break;
                case "--size": side = Next(); break;
                default: folder = args[i]; break;
            }
        }
        var paths = synthetic is { } count
            ? SyntheticImages.WriteJpegs(Path.Combine(Path.GetTempPath(), $"tl-synthetic-{count}"), count)
            : Directory.EnumerateFiles(folder ?? BenchmarkAssets.Root, "*.png", SearchOption.AllDirectories).Order(StringComparer.Ordinal).Take(limit).ToArray();
        var images = paths.Select(File.ReadAllBytes).ToArray();
        var size = new ImageSize(side, side);
        var resized = new float[ImagePreprocessor.ResizedLengthAt(size)];
        Console.WriteLine($"{images.Length} images ({(synthetic is null ? folder ?? BenchmarkAssets.Root : "synthetic 500x375 JPEG")}) to {size}, one thread");

        // Alternating rounds, so that a noisy neighbour hurts both routes alike; the first round is a warm-up.
        var decoded = images.Select(bytes => ImageDecoder.Decode(bytes, size)).ToArray();
        var (skia, library, decodeOnly, resizeOnly) = (new List<double>(), new List<double>(), new List<double>(), new List<double>());
        for (var round = 0; round < 4; round++)
        {
            var a = Time(images, bytes => SkiaResize(bytes, size));
            var b = Time(images, bytes => ImagePreprocessor.DecodeResized(bytes, size, ImageLimits.Default, resized));
            var c = Time(images, bytes => ImageDecoder.Decode(bytes, size).Dispose());
            var d = Time(decoded, bitmap => ImageResizer.Resize(ImageDecoder.PixelBytes(bitmap), bitmap.Width, bitmap.Height, size, resized));
            if (round == 0) continue;
            resizeOnly.Add(d);
            skia.Add(a);
            library.Add(b);
            decodeOnly.Add(c);
        }
        Console.WriteLine($"SkiaSharp resize (0.4.0):      {Median(skia),8:F0} img/s");
        Console.WriteLine($"library resize (managed):      {Median(library),8:F0} img/s");
        Console.WriteLine($"  decoding alone:              {Median(decodeOnly),8:F0} img/s");
        Console.WriteLine($"  resizing alone:              {Median(resizeOnly),8:F0} img/s");
        Console.WriteLine($"ratio library / SkiaSharp:     {Median(library) / Median(skia),8:F2}");
        foreach (var bitmap in decoded) bitmap.Dispose();
    }

    private static double Time<T>(T[] images, Action<T> preprocess)
    {
        var clock = Stopwatch.StartNew();
        foreach (var image in images) preprocess(image);
        return images.Length / clock.Elapsed.TotalSeconds;
    }

    private static double Median(List<double> values) => values.Order().ElementAt(values.Count / 2);

    /// <summary>0.4.0's route: the smallest JPEG scale covering the target, then SkiaSharp's "medium" filter.</summary>
    private static void SkiaResize(byte[] bytes, ImageSize size)
    {
        using var codec = SKCodec.Create(new SKMemoryStream(bytes));
        var (width, height) = (codec.Info.Width, codec.Info.Height);
        var scale = Math.Max((float)size.Width / width, (float)size.Height / height);
        var decoded = scale < 1f ? codec.GetScaledDimensions(scale) : codec.Info.Size;
        if (decoded.Width < size.Width || decoded.Height < size.Height) decoded = codec.Info.Size;
        var info = new SKImageInfo(decoded.Width, decoded.Height, SKColorType.Rgba8888, SKAlphaType.Unpremul);
        using var bitmap = new SKBitmap(info);
        codec.GetPixels(info, bitmap.GetPixels());
        using var result = bitmap.Resize(
            new SKImageInfo(size.Width, size.Height, SKColorType.Rgba8888, SKAlphaType.Unpremul), new SKSamplingOptions(SKFilterMode.Linear, SKMipmapMode.Nearest));
    }
}
