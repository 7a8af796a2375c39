namespace TransferLearning.ImageClassification.Data;

/// <summary>
/// A labelled set of image files: from a folder with one sub-folder per class, or from a list of (path, label).
/// Classes are ordered ordinally by name; that order is the class index everywhere else.
/// </summary>
public sealed class ImageDataset
{
    /// <summary>File extensions read as images (JPEG, PNG, BMP, GIF, WebP); other files in a class folder are
    /// ignored.</summary>
    internal static IReadOnlySet<string> ImageExtensions { get; } =
        new HashSet<string>([".jpg", ".jpeg", ".png", ".bmp", ".gif", ".webp"], StringComparer.OrdinalIgnoreCase);

    private ImageDataset(
        IReadOnlyList<LabeledImage> images, IReadOnlyList<string> classes, IReadOnlyList<string> warnings)
    {
        Images = images;
        Classes = classes;
        Warnings = warnings;
    }

    /// <summary>Every image with its label.</summary>
    public IReadOnlyList<LabeledImage> Images { get; }

    /// <summary>Class names in ordinal order.</summary>
    public IReadOnlyList<string> Classes { get; }

    /// <summary>What the listing passed over and why, e.g. a symbolic link to a folder (training reports these
    /// too).</summary>
    public IReadOnlyList<string> Warnings { get; }

    /// <summary>
    /// Reads <paramref name="root"/>: each sub-folder is a class, each image file in it (recursively) an example;
    /// image files end in .jpg, .jpeg, .png, .bmp, .gif or .webp, in any case.
    /// A class folder may be a symbolic link to a folder elsewhere; links to folders further down are not followed
    /// (a link back up would relabel other classes' images and repeat them across the split), and each one passed
    /// over is listed in <see cref="Warnings"/>.
    /// </summary>
    /// <exception cref="DatasetException">The folder is missing, has fewer than two classes, or a class has no
    /// images.</exception>
    public static ImageDataset FromFolder(string root)
    {
        if (!Directory.Exists(root))
            throw new DatasetException($"Image folder '{root}' does not exist.");
        var rootPath = RealPath(new DirectoryInfo(root));
        var warnings = new List<string>();
        var images = new List<LabeledImage>();
        foreach (var folder in new DirectoryInfo(root).EnumerateDirectories()
            .OrderBy(d => d.Name, StringComparer.Ordinal))
        {
            var target = RealPath(folder);
            if (folder.LinkTarget is not null && IsWithin(rootPath, target))
            {
                warnings.Add(
                    $"Passed over class folder '{folder.FullName}': a symbolic link into the image folder itself.");
                continue;
            }
            var files = ListImages(folder, warnings);
            if (files.Count == 0)
                throw new DatasetException(
                    $"Class folder '{folder.FullName}' holds no images ({string.Join(", ", ImageExtensions)}); " +
                    "remove it or add images.");
            images.AddRange(files.Select(f => new LabeledImage(f, folder.Name)));
        }
        return Create(images, $"folder '{root}'", warnings);
    }

    /// <summary>Image files under <paramref name="folder"/>, in ordinal order, not following links to folders below
    /// it.</summary>
    private static List<string> ListImages(DirectoryInfo folder, List<string> warnings)
    {
        var options = new EnumerationOptions {
            AttributesToSkip = 0 }; // hidden files too, and an unreadable folder is an error, as before
        var files = new List<string>();
        var pending = new Stack<DirectoryInfo>([folder]);
        while (pending.TryPop(out var current))
            foreach (var entry in current.EnumerateFileSystemInfos("*", options))
            {
                if (entry is DirectoryInfo directory)
                {
                    if (directory.LinkTarget is null) pending.Push(directory);
                    else warnings.Add($"Passed over '{directory.FullName}': a symbolic link to a folder (link the " +
                        "class folder itself instead).");
                }
                else if (ImageExtensions.Contains(entry.Extension))
                {
                    files.Add(entry.FullName);
                }
            }
        files.Sort(StringComparer.Ordinal);
        return files;
    }

    private static string RealPath(DirectoryInfo folder) =>
        Path.TrimEndingDirectorySeparator((folder.ResolveLinkTarget(returnFinalTarget: true) ?? folder).FullName);

    private static bool IsWithin(string root, string path) =>
        path == root || path.StartsWith(root + Path.DirectorySeparatorChar, StringComparison.Ordinal);

    /// <summary>Builds a data set from (path, label) pairs; the files are read later.</summary>
    /// <exception cref="DatasetException">Fewer than two distinct labels, or an empty path or label.</exception>
    public static ImageDataset FromList(IEnumerable<LabeledImage> images)
    {
        ArgumentNullException.ThrowIfNull(images);
        var list = images.ToArray();
        var bad = list.FirstOrDefault(i => string.IsNullOrWhiteSpace(i.Path) || string.IsNullOrWhiteSpace(i.Label));
        if (bad is not null)
            throw new DatasetException(
                $"Every image needs a path and a label (got path '{bad.Path}', label '{bad.Label}').");
        return Create(list, "list", []);
    }

    private static ImageDataset Create(
        IReadOnlyList<LabeledImage> images, string source, IReadOnlyList<string> warnings)
    {
        var classes = images.Select(i => i.Label).Distinct().Order(StringComparer.Ordinal).ToArray();
        if (classes.Length < 2)
            throw new DatasetException(
                $"A classifier needs at least two classes; {source} has {classes.Length} " +
                $"({string.Join(", ", classes)}). " +
                "Put each class's images in a sub-folder named after the class.");
        return new ImageDataset(images, classes, warnings);
    }

    /// <summary>Index of <paramref name="label"/> in <see cref="Classes"/>, or -1.</summary>
    internal int IndexOf(string label)
    {
        var index = ((string[])Classes).AsSpan().BinarySearch(label, StringComparer.Ordinal);
        return index >= 0 ? index : -1;
    }

    /// <summary>Stratified, seeded split: the same seed and images always give the same parts.</summary>
    public DatasetSplit Split(SplitRatios? ratios = null, int seed = 42) =>
        StratifiedSplitter.Split(Images.GroupBy(i => i.Label), ratios ?? SplitRatios.Default, seed);

    /// <summary><paramref name="count"/> images drawn at random without replacement (all if there are fewer), e.g. for
    /// a preview grid.</summary>
    public IReadOnlyList<LabeledImage> Sample(int count, int seed = 42)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        var shuffled = Images.OrderBy(i => i.Path, StringComparer.Ordinal).ToArray();
        new Random(seed).Shuffle(shuffled);
        return shuffled.Take(count).ToArray();
    }
}
