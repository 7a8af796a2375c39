using System.Text.RegularExpressions;
using Parquet;
using Parquet.Serialization;
using TransferLearning.ImageClassification.Data;
using TransferLearning.ImageClassification.Features;

namespace TransferLearning.ImageClassification.Shards;

/// <summary>
/// A complete folder of shard files (part-0-of-N … part-(N−1)-of-N), merged and checked: every shard present once,
/// all made with the same backbone, input size, normalisation, pooling and library version. Train on it with
/// <see cref="ShardBuilderExtensions.WithFeatures"/>: the split is the one the image folder gives for the same seed.
/// </summary>
public sealed partial class FeatureShardSet
{
    private readonly Dictionary<string, (float[] Features, string Sha256)> _rows;

    private FeatureShardSet(ShardMetadata first, Dictionary<string, (float[], string)> rows, ImageDataset dataset,
        IReadOnlyList<SkippedImage> skipped)
    {
        (_rows, Dataset, Skipped) = (rows, dataset, skipped);
        (Backbone, FeatureSize, Fingerprint, ShardCount) =
            (first.Backbone, first.FeatureSize, first.Fingerprint, first.Shard.Count);
        InputSize = first.InputSize.Split('x') is [var width, var height] && int.TryParse(width, out var w)
            && int.TryParse(height, out var h)
            ? new Preprocessing.ImageSize(w, h)
            : throw new InvalidDataException($"Shard metadata input size '{first.InputSize}' is not WIDTHxHEIGHT.");
    }

    /// <summary>Catalogue name of the backbone the features came from.</summary>
    public string Backbone { get; }

    /// <summary>Input size the images were resized to.</summary>
    public Preprocessing.ImageSize InputSize { get; }

    /// <summary>Length of each feature vector.</summary>
    public int FeatureSize { get; }

    /// <summary>Everything that determines the feature values (backbone, file hash, size, normalisation, cut,
    /// pooling).</summary>
    internal string Fingerprint { get; }

    /// <summary>Number of shards merged.</summary>
    public int ShardCount { get; }

    /// <summary>Images with features.</summary>
    public int Count => _rows.Count;

    /// <summary>Images the shards skipped, with paths relative to the data folder and the reasons.</summary>
    public IReadOnlyList<SkippedImage> Skipped { get; }

    /// <summary>Every image the shards cover (paths relative to the data folder), skipped ones included, as the folder
    /// listed them.</summary>
    internal ImageDataset Dataset { get; }

    /// <summary>Reads and checks every shard file in <paramref name="folder"/>.</summary>
    /// <exception cref="DirectoryNotFoundException">The folder does not exist.</exception>
    /// <exception cref="InvalidDataException">
    /// No shard files, a missing or repeated shard, shards of different runs (backbone, size, version), an image in two
    /// shards, or a malformed file; the message names the files.
    /// </exception>
    public static async Task<FeatureShardSet> ReadAsync(string folder, CancellationToken cancellationToken = default)
    {
        if (!Directory.Exists(folder))
            throw new DirectoryNotFoundException($"Feature folder '{folder}' does not exist.");
        var files = Directory.GetFiles(folder, "part-*-of-*.parquet").Order(StringComparer.Ordinal)
            .Select(path => (Path: path, Match: ShardName().Match(Path.GetFileName(path)))).ToArray();
        if (files.Length == 0)
            throw new InvalidDataException($"Feature folder '{folder}' has no shard files (part-K-of-N.parquet); " +
                "write them with FeatureShards.WriteAsync.");
        CheckComplete(folder, files.Select(f => (
            f.Path, Index: int.Parse(f.Match.Groups[1].Value), Count: int.Parse(f.Match.Groups[2].Value))).ToArray());

        var rows = new Dictionary<string, (float[], string)>(StringComparer.Ordinal);
        var images = new List<LabeledImage>();
        var skipped = new List<SkippedImage>();
        ShardMetadata? first = null;
        string? firstFile = null;
        foreach (var (path, _) in files)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var metadata = await ReadShardAsync(path, rows, images, cancellationToken).ConfigureAwait(false);
            if (first is null) (first, firstFile) = (metadata, path);
            else CheckSameRun(first, firstFile!, metadata, path);
            skipped.AddRange(metadata.Skipped);
            images.AddRange(metadata.Skipped.Select(s => new LabeledImage(s.Path, ClassOf(s.Path))));
        }
        return new FeatureShardSet(first!, rows, ImageDataset.FromList(images), skipped);
    }

    /// <summary>The features of <paramref name="paths"/> (relative, as in <see cref="Dataset"/>), aligned with them;
    /// null for skipped images.</summary>
    internal FeaturizationResult ResultFor(IReadOnlyList<string> paths)
    {
        var found = paths.Select(p => _rows.TryGetValue(p, out var row) ? row : default).ToArray();
        var wanted = new HashSet<string>(paths, StringComparer.Ordinal);
        return new FeaturizationResult(
            found.Select(r => r.Features).ToArray(), null, Skipped.Where(s => wanted.Contains(s.Path)).ToArray(),
            computed: 0, fromCache: found.Count(r => r.Features is not null), elapsed: TimeSpan.Zero,
            contentHashes: found.Select(r => r.Sha256).ToArray());
    }

    /// <summary>These features as the core library trains on them (<see cref="ShardBuilderExtensions"/>).</summary>
    internal PrecomputedFeatures ToPrecomputed() => new(Dataset, Backbone, InputSize, Fingerprint, ResultFor);

    private static async Task<ShardMetadata> ReadShardAsync(
        string path, Dictionary<string, (float[], string)> rows, List<LabeledImage> images,
        CancellationToken cancellationToken)
    {
        try
        {
            await using var stream = File.OpenRead(path);
            ShardMetadata metadata;
            int groups;
            await using (var reader = await ParquetReader.CreateAsync(
                stream, leaveStreamOpen: true, cancellationToken: cancellationToken).ConfigureAwait(false))
                (metadata, groups) = (ShardMetadata.FromDictionary(reader.CustomMetadata, path), reader.RowGroupCount);
            if (Path.GetFileName(path) != metadata.Shard.FileName)
                throw new InvalidDataException($"Shard file '{path}' says it is shard {metadata.Shard}; its name " +
                    $"says otherwise. Rename it back to {metadata.Shard.FileName}.");
            for (var group = 0; group < groups; group++)
            {
                stream.Position = 0;
                var result = await ParquetSerializer.DeserializeAsync<ShardRow>(
                    stream, rowGroupIndex: group, cancellationToken: cancellationToken).ConfigureAwait(false);
                foreach (var row in result.Data)
                {
                    if (row.Features.Length != metadata.FeatureSize || string.IsNullOrEmpty(row.Path)
                        || string.IsNullOrEmpty(row.Label))
                        throw new InvalidDataException($"Shard file '{path}': row '{row.Path}' has " +
                            $"{row.Features.Length} features (expected {metadata.FeatureSize}) or no path or label.");
                    if (!rows.TryAdd(row.Path, (row.Features, row.Sha256)))
                        throw new InvalidDataException($"Image '{row.Path}' is in two shard files (the second is " +
                            $"'{path}'): the shards come from different splits of the folder.");
                    images.Add(new LabeledImage(row.Path, row.Label));
                }
            }
            return metadata;
        }
        catch (Exception e) when (e is not (InvalidDataException or OperationCanceledException))
        {
            throw new InvalidDataException($"Shard file '{path}' could not be read: {e.Message}", e);
        }
    }

    private static void CheckComplete(string folder, IReadOnlyList<(string Path, int Index, int Count)> files)
    {
        var counts = files.Select(f => f.Count).Distinct().ToArray();
        if (counts.Length > 1)
            throw new InvalidDataException($"Feature folder '{folder}' mixes shardings (of " +
                $"{string.Join(", ", counts)}): keep the files of one run.");
        var repeated = files.GroupBy(f => f.Index).Where(g => g.Count() > 1)
            .Select(g => string.Join(" and ", g.Select(f => Path.GetFileName(f.Path)))).ToArray();
        if (repeated.Length > 0) throw new InvalidDataException(
            $"Feature folder '{folder}' has a shard twice: {string.Join("; ", repeated)}.");
        var missing = Enumerable.Range(0, counts[0]).Except(files.Select(f => f.Index)).ToArray();
        if (missing.Length > 0)
            throw new InvalidDataException(
                $"Feature folder '{folder}' lacks shard{(missing.Length > 1 ? "s" : "")} " +
                $"{string.Join(", ", missing)} of {counts[0]}: run those before training.");
    }

    private static void CheckSameRun(ShardMetadata first, string firstFile, ShardMetadata other, string otherFile)
    {
        var difference =
            first.Fingerprint != other.Fingerprint
                ? $"backbone, size or preprocessing ({first.Fingerprint} vs {other.Fingerprint})"
            : first.LibraryVersion != other.LibraryVersion
            ? $"library version ({first.LibraryVersion} vs {other.LibraryVersion})"
            : first.FeatureSize != other.FeatureSize ? $"feature size ({first.FeatureSize} vs {other.FeatureSize})"
            : null;
        if (difference is not null)
            throw new InvalidDataException($"Shard files '{firstFile}' and '{otherFile}' come from different runs: " +
                $"their {difference} differ. Featurize every shard the same way.");
    }

    private static string ClassOf(string relativePath) => relativePath.Split('/')[0];

    [GeneratedRegex(@"^part-(\d{1,9})-of-(\d{1,9})\.parquet$")]
    private static partial Regex ShardName();
}
