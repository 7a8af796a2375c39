namespace TransferLearning.Benchmarks;

/// <summary>The repository's bundled images, found from wherever the benchmark runs.</summary>
internal static class BenchmarkAssets
{
    public static string Root { get; } = Find();

    private static string Find()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (Directory.Exists(Path.Combine(dir.FullName, "assets", "fashion-mnist"))) return Path.Combine(dir.FullName, "assets", "fashion-mnist");
        throw new DirectoryNotFoundException("assets/fashion-mnist not found; pass an image folder.");
    }
}
