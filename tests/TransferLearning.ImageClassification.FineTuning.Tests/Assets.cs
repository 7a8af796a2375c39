namespace TransferLearning.ImageClassification.FineTuning.Tests;

/// <summary>The bundled Fashion-MNIST garments.</summary>
internal static class Assets
{
    public static string Root { get; } = Find();

    /// <summary>Copies the first <paramref name="perClass"/> training images of each of the first
    /// <paramref name="classes"/> classes.</summary>
    public static void Copy(string destination, int classes, int perClass)
    {
        foreach (var folder in Directory.GetDirectories(Path.Combine(Root, "train")).Order(StringComparer.Ordinal)
            .Take(classes))
        {
            var target = Directory.CreateDirectory(Path.Combine(destination, Path.GetFileName(folder))).FullName;
            foreach (var file in Directory.GetFiles(folder).Order(StringComparer.Ordinal).Take(perClass))
                File.Copy(file, Path.Combine(target, Path.GetFileName(file)));
        }
    }

    /// <summary>Test images of every class, a few each.</summary>
    public static string[] TestImages(int perClass) =>
        [.. Directory.GetDirectories(Path.Combine(Root, "test")).Order(StringComparer.Ordinal)
            .SelectMany(folder => Directory.GetFiles(folder).Order(StringComparer.Ordinal).Take(perClass))];

    private static string Find()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            var candidate = Path.Combine(folder.FullName, "assets", "fashion-mnist");
            if (Directory.Exists(candidate)) return candidate;
        }
        throw new DirectoryNotFoundException("assets/fashion-mnist not found above the test binaries.");
    }
}

/// <summary>A new empty folder under the temp directory, deleted when disposed.</summary>
public sealed class TempFolder : IDisposable
{
    public string Path { get; } = Directory.CreateTempSubdirectory("tl-fine-tuning-").FullName;

    public string Combine(params string[] parts) => System.IO.Path.Combine([Path, .. parts]);

    public void Dispose() => Directory.Delete(Path, recursive: true);
}
