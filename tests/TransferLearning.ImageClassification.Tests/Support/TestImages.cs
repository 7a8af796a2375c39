using SkiaSharp;

namespace TransferLearning.ImageClassification.Tests.Support;

/// <summary>Real images from the bundled assets, and small generated or broken ones, in throw-away folders.</summary>
internal static class TestImages
{
    public static string AssetsRoot { get; } = FindAssets();

    public static string Train => Path.Combine(AssetsRoot, "train");

    public static string Test => Path.Combine(AssetsRoot, "test");

    /// <summary>A 1x1 GIF: Skia decodes the format but cannot encode it.</summary>
    public static byte[] Gif { get; } = Convert.FromBase64String("R0lGODlhAQABAIAAAP8AAAAAACH5BAAAAAAALAAAAAABAAEAAAICRAEAOw==");

    /// <summary>A 2x2 24-bit BMP: Skia decodes the format but cannot encode it.</summary>
    public static byte[] Bmp { get; } = Convert.FromBase64String(
        "Qk1GAAAAAAAAADYAAAAoAAAAAgAAAAIAAAABABgAAAAAABAAAAAAAAAAAAAAAAAAAAAAAAAAAAD/AP8AAAAAAP8AAP//AAA=");

    /// <summary>A new empty folder under the temp directory, deleted when disposed.</summary>
    public static TempFolder NewFolder() => new();

    /// <summary>Encodes a solid-colour (or gradient) image in the given format.</summary>
    public static byte[] Encode(SKEncodedImageFormat format, int width = 40, int height = 30, SKColorType colorType = SKColorType.Rgba8888, byte seed = 0)
    {
        using var bitmap = new SKBitmap(new SKImageInfo(width, height, colorType, SKAlphaType.Premul));
        for (var y = 0; y < height; y++)
            for (var x = 0; x < width; x++)
                bitmap.SetPixel(x, y, new SKColor((byte)(x * 5 + seed), (byte)(y * 7), (byte)(seed * 3), 255));
        using var data = bitmap.Encode(format, 90);
        return data.ToArray();
    }

    /// <summary>Encodes the opaque RGBA <paramref name="rgba"/> (alpha is set to 255).</summary>
    public static byte[] EncodePixels(SKEncodedImageFormat format, int width, int height, byte[] rgba)
    {
        using var bitmap = new SKBitmap(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Unpremul));
        var pixels = bitmap.GetPixelSpan();
        rgba.AsSpan(0, pixels.Length).CopyTo(pixels);
        for (var i = 3; i < pixels.Length; i += 4) pixels[i] = 255;
        using var data = bitmap.Encode(format, 90);
        return data.ToArray();
    }

    /// <summary>Copies <paramref name="perClass"/> bundled images (training ones unless <paramref name="from"/> names another folder) of each of the first <paramref name="classes"/> classes.</summary>
    public static void CopyAssets(string destination, int classes, int perClass, string? from = null)
    {
        foreach (var folder in Directory.GetDirectories(from ?? Train).Order(StringComparer.Ordinal).Take(classes))
        {
            var target = Directory.CreateDirectory(Path.Combine(destination, Path.GetFileName(folder))).FullName;
            foreach (var file in Directory.GetFiles(folder).Order(StringComparer.Ordinal).Take(perClass))
                File.Copy(file, Path.Combine(target, Path.GetFileName(file)));
        }
    }

    private static string FindAssets()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            var candidate = Path.Combine(folder.FullName, "assets", "fashion-mnist");
            if (Directory.Exists(candidate)) return candidate;
        }
        throw new DirectoryNotFoundException("assets/fashion-mnist not found above the test binaries.");
    }
}

internal sealed class TempFolder : IDisposable
{
    public string Path { get; } = Directory.CreateTempSubdirectory("tl-tests-").FullName;

    public string Combine(params string[] parts) => System.IO.Path.Combine([Path, .. parts]);

    public string Write(string relativePath, byte[] bytes)
    {
        var path = Combine(relativePath);
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(path)!);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    public void Dispose()
    {
        try { Directory.Delete(Path, recursive: true); } catch (IOException) { }
    }
}
