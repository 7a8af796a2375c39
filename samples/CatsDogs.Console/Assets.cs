namespace CatsDogs.Console;

/// <summary>Finds the repository's bundled images from wherever the program runs.</summary>
internal static class Assets
{
    public static DirectoryInfo FashionMnist(string part)
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            var candidate = new DirectoryInfo(Path.Combine(folder.FullName, "assets", "fashion-mnist", part));
            if (candidate.Exists) return candidate;
        }
        throw new DirectoryNotFoundException(
            "No --data given, and the bundled sample images (assets/fashion-mnist, in the source repository) are " +
            "not here: pass --data DIR, a folder with one sub-folder of images per class.");
    }
}
