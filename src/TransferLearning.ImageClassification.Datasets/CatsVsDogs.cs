using System.Collections.Concurrent;
using System.Text.RegularExpressions;
using TransferLearning.ImageClassification.Backbones;
using TransferLearning.ImageClassification.Data;
using TransferLearning.ImageClassification.Downloads;
using TransferLearning.ImageClassification.Preprocessing;
using TransferLearning.ImageClassification.IO;

namespace TransferLearning.ImageClassification.Datasets;

/// <summary>
/// The article's data: Microsoft's PetImages archive (the Asirra cats and dogs, 25,000 photos), the file TFDS and Keras
/// download, turned into <c>DIR/cats_vs_dogs/cat</c> and <c>DIR/cats_vs_dogs/dog</c>.
/// </summary>
public static partial class CatsVsDogs
{
    /// <summary>Microsoft's download address, as used by TFDS' cats_vs_dogs builder and the Keras examples.</summary>
    public static Uri DefaultUrl { get; } = new(
        "https://download.microsoft.com/download/3/E/1/3E1C3F21-ECDB-4869-8368-6DEBA77B919F/" +
        "kagglecatsanddogs_5340.zip");

    /// <summary>
    /// Size of that file as the server announces it (824,887,076 bytes, seen in published download logs). Its SHA-256
    /// is published nowhere: TFDS' checksum file lists only the older kagglecatsanddogs_3367a.zip (824,894,548 bytes,
    /// f9553e42…), so the first download's hash is pinned in <see cref="LockFileName"/>.
    /// </summary>
    public const long DefaultBytes = 824_887_076;

    /// <summary>Name of the folder the images are extracted to.</summary>
    public const string FolderName = "cats_vs_dogs";

    /// <summary>Name of the lock file, beside the image folder, that pins the archive's hash.</summary>
    public const string LockFileName = "cats_vs_dogs.lock.json";

    private const string PinReason =
        "Microsoft publishes no checksum for kagglecatsanddogs_5340.zip, and TFDS lists only the older " +
        "kagglecatsanddogs_3367a.zip; " +
        "this pins the first download so that later downloads and mirrors into this folder must give the same bytes.";

    /// <summary>
    /// Downloads the archive (resumed, retried, size-checked, hash-checked against
    /// <see cref="DatasetDownloadOptions.Sha256"/>
    /// or the lock file; the first download's hash is pinned when neither has one), extracts the cat and dog photos
    /// (Thumbs.db, other files and unsafe names left out, with reasons), and lists the files the decoder cannot read.
    /// A second call with the folder in place downloads and extracts nothing.
    /// </summary>
    /// <exception cref="DownloadException">The download failed for good, or the archive is not the pinned
    /// one.</exception>
    /// <exception cref="IOException">The folder cannot be written; checked before downloading.</exception>
    public static async Task<DatasetDownloadResult> DownloadAsync(
        DatasetDownloadOptions options, IProgress<DownloadProgress>? progress = null, HttpClient? httpClient = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        var directory = Path.GetFullPath(options.Directory);
        var url = options.Url ?? DefaultUrl;
        var archive = Path.Combine(directory, Path.GetFileName(url.AbsolutePath) is { Length: > 0 } name ? name
            : "cats_vs_dogs.zip");
        var (folder, lockPath) = (Path.Combine(directory, FolderName), Path.Combine(directory, LockFileName));
        AtomicFile.CheckWritable(lockPath, "the dataset folder's lock file");
        var pinned = DatasetLock.Read(lockPath);
        var expected = options.Sha256?.ToLowerInvariant() ?? pinned?.Sha256;
        var size = options.Url is null ? DefaultBytes
            : 0; // a mirror's size is whatever it serves; its hash still has to match

        var download = new VerifiedDownload(options.Download, httpClient);
        string sha256;
        try
        {
            sha256 = await download.FetchAsync(new ModelDownload(url, size, Path.GetFileName(archive)), archive,
                expected, progress, cancellationToken).ConfigureAwait(false)
                     ?? await VerifiedDownload.HashAsync(archive, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or HttpRequestException or TimeoutException)
        {
            throw new DownloadException(
                $"Could not download {url}: {e.Message.TrimEnd('.')}. Rerun to resume, or pass a mirror's address.", e);
        }
        if (expected is not null && sha256 != expected)
            throw new DownloadException(
                $"'{archive}' has SHA-256 {sha256}, but {(options.Sha256 is null ? $"'{lockPath}' " +
                    "pins" : "DatasetDownloadOptions.Sha256 says")} {expected}. Delete the file to download it again.");
        var pinnedNow = expected is null;
        if (pinnedNow) new DatasetLock(
            url.ToString(), new FileInfo(archive).Length, sha256, DateTimeOffset.UtcNow, PinReason).Write(lockPath);

        var leftOut = Directory.Exists(folder)
            ? []
            : await Task.Run(() => ArchiveExtractor.Extract(archive, folder, Place, cancellationToken),
                cancellationToken).ConfigureAwait(false);
        var counts = Directory.GetDirectories(folder)
            .ToDictionary(d => Path.GetFileName(d), d => Directory.GetFiles(d).Length, StringComparer.Ordinal);
        return new DatasetDownloadResult(
            folder, archive, sha256, pinnedNow, lockPath, counts, leftOut, Undecodable(folder, cancellationToken));
    }

    /// <summary>PetImages/Cat/N.jpg → cat/N.jpg; everything else is left out.</summary>
    private static (string? Path, string? Skip) Place(string entry)
    {
        var match = PetImage().Match(entry);
        if (!match.Success) return (null, "not a photo under PetImages/Cat or PetImages/Dog");
        var file = match.Groups[2].Value;
        if (!ImageDataset.ImageExtensions.Contains(Path.GetExtension(file))) return (null, "not an image file");
        return ($"{match.Groups[1].Value.ToLowerInvariant()}/{file}", null);
    }

    /// <summary>The files training would skip, found the same way: a header check and a small decode.</summary>
    private static IReadOnlyList<SkippedImage> Undecodable(string folder, CancellationToken cancellationToken)
    {
        var skipped = new ConcurrentBag<SkippedImage>();
        var limits = ImageLimits.Default;
        Parallel.ForEach(
            Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories),
            new ParallelOptions { CancellationToken = cancellationToken },
            path =>
            {
                try
                {
                    // Extracted entries are at most ArchiveExtractor.MaxEntryBytes: reading one whole is bounded.
                    using var bitmap = ImageDecoder.Decode(File.ReadAllBytes(path), new ImageSize(8, 8), limits);
                }
                catch (ImageDecodeException e)
                {
                    skipped.Add(new SkippedImage(PortablePath.Relative(folder, path), e.Message));
                }
            });
        return [.. skipped.OrderBy(s => s.Path, StringComparer.Ordinal)];
    }

    [GeneratedRegex("^PetImages/(Cat|Dog)/([^/]+)$")]
    private static partial Regex PetImage();
}
