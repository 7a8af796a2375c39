using TransferLearning.ImageClassification.Downloads;
using TransferLearning.ImageClassification.IO;

namespace TransferLearning.ImageClassification.Datasets;

/// <summary>Where a dataset goes, where it comes from (a mirror may replace the source), and how hard to try.</summary>
public sealed partial class DatasetDownloadOptions
{
    /// <summary>Folder the archive, its lock file and the extracted image folder are written to.</summary>
    public required string Directory { get; init; }

    /// <summary>Source address, or null for the dataset's own.</summary>
    public Uri? Url { get; init; }

    /// <summary>
    /// Expected SHA-256 of the archive (lower-case hex), or null: the published one if there is one, else the hash
    /// pinned by the first download in the lock file beside the data.
    /// </summary>
    public string? Sha256 { get; init; }

    /// <summary>How patiently to download: attempts, backoff, read timeout, loopback HTTP.</summary>
    public DownloadOptions Download { get; init; } = new();

    internal void Validate() => OptionErrors.ThrowIfAny(nameof(DatasetDownloadOptions), new OptionErrors()
        .Require(!string.IsNullOrWhiteSpace(Directory), nameof(Directory), "must name a folder")
        .Require(Sha256 is null
            || Sha256Pattern().IsMatch(Sha256), nameof(Sha256), "must be 64 hexadecimal digits", Sha256)
        .Require(Download is not null, nameof(Download), "must be set")
        .Include(nameof(Download), Download?.Errors() ?? [])
        .All);

    [System.Text.RegularExpressions.GeneratedRegex("^[0-9a-fA-F]{64}$")]
    private static partial System.Text.RegularExpressions.Regex Sha256Pattern();
}
