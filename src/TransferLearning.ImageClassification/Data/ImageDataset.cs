namespace TransferLearning.ImageClassification.Data;

/// <summary>
/// A labelled set of image files: from a folder with one sub-folder per class, or from a list of (path, label).
/// Classes are ordered ordinally by name; that order is the class index everywhere else.
/// </summary>
public sealed class ImageDataset
{
    /// <summary>File extensions read as images (JPEG, PNG, BMP, GIF, WebP); other files in a class folder are ignored.</summary>
    public static IReadOnlySet<string> ImageExtensions { get; } =
        new HashSet<string>([".jpg", ".jpeg", ".png", ".bmp", ".gif", ".webp"], StringComparer.OrdinalIgnoreCase);

    private ImageDataset(IReadOnlyList<LabeledImage> images, IReadOnlyList<string> classes)
    {
        Images = images;
        Classes = classes;
    }

    /// <summary>Every image with its label.</summary>
    public IReadOnlyList<LabeledImage> Images { get; }

    /// <summary>Class names in ordinal order.</summary>
    public IReadOnlyList<string> Classes { get; }

    /// <summary>Reads <paramref name="root"/>: each sub-folder is a class, each image file in it (recursively) an example.</summary>
    /// <exception cref="DatasetException">The folder is missing, has fewer than two classes, or a class has no images.</exception>
    public static ImageDataset FromFolder(string root)
    {
        if (!Directory.Exists(root))
            throw new DatasetException($"Image folder '{root}' does not exist.");
        var classFolders = Directory.GetDirectories(root).Order(StringComparer.Ordinal).ToArray();
        var images = new List<LabeledImage>();
        foreach (var folder in classFolders)
        {
            var label = Path.GetFileName(folder);
            var files = Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories)
                .Where(f => ImageExtensions.Contains(Path.GetExtension(f)))
                .Order(StringComparer.Ordinal)
                .ToArray();
            if (files.Length == 0)
                throw new DatasetException(
                    $"Class folder '{folder}' holds no images ({string.Join(", ", ImageExtensions)}); remove it or add images.");
            images.AddRange(files.Select(f => new LabeledImage(f, label)));
        }
        return Create(images, $"folder '{root}'");
    }

    /// <summary>Builds a data set from (path, label) pairs; the files are read later.</summary>
    /// <exception cref="DatasetException">Fewer than two distinct labels, or an empty path or label.</exception>
    public static ImageDataset FromList(IEnumerable<LabeledImage> images)
    {
        ArgumentNullException.ThrowIfNull(images);
        var list = images.ToArray();
        var bad = list.FirstOrDefault(i => string.IsNullOrWhiteSpace(i.Path) || string.IsNullOrWhiteSpace(i.Label));
        if (bad is not null)
            throw new DatasetException($"Every image needs a path and a label (got path '{bad.Path}', label '{bad.Label}').");
        return Create(list, "list");
    }

    private static ImageDataset Create(IReadOnlyList<LabeledImage> images, string source)
    {
        var classes = images.Select(i => i.Label).Distinct().Order(StringComparer.Ordinal).ToArray();
        if (classes.Length < 2)
            throw new DatasetException(
                $"A classifier needs at least two classes; {source} has {classes.Length} ({string.Join(", ", classes)}). " +
                "Put each class's images in a sub-folder named after the class.");
        return new ImageDataset(images, classes);
    }

    /// <summary>Index of <paramref name="label"/> in <see cref="Classes"/>, or -1.</summary>
    public int IndexOf(string label)
    {
        var index = ((string[])Classes).AsSpan().BinarySearch(label, StringComparer.Ordinal);
        return index >= 0 ? index : -1;
    }

    /// <summary>Stratified, seeded split: the same seed and images always give the same parts.</summary>
    public DatasetSplit Split(SplitRatios? ratios = null, int seed = 42) =>
        StratifiedSplitter.Split(Images.GroupBy(i => i.Label), ratios ?? SplitRatios.Default, seed);

    /// <summary><paramref name="count"/> images drawn at random without replacement (all if there are fewer), e.g. for a preview grid.</summary>
    public IReadOnlyList<LabeledImage> Sample(int count, int seed = 42)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        var shuffled = Images.OrderBy(i => i.Path, StringComparer.Ordinal).ToArray();
        new Random(seed).Shuffle(shuffled);
        return shuffled.Take(count).ToArray();
    }
}
