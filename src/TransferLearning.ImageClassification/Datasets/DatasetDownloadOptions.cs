namespace TransferLearning.ImageClassification.Datasets;

/// <summary>Where a dataset goes, where it comes from (a mirror may replace the source), and how hard to try.</summary>
public sealed class DatasetDownloadOptions
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

    /// <summary>Attempts per download, counting the first.</summary>
    public int MaxAttempts { get; init; } = 5;

    /// <summary>Delay before the first retry; it doubles, with jitter.</summary>
    public TimeSpan RetryDelay { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Longest silence from the server before the attempt counts as failed.</summary>
    public TimeSpan ReadTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>Whether plain HTTP to a loopback address is allowed (for tests and local mirrors); anything else must be HTTPS.</summary>
    public bool AllowLoopbackHttp { get; init; } = true;

    internal void Validate()
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(Directory, nameof(Directory));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxAttempts, 1, nameof(MaxAttempts));
        if (Sha256 is not null && !System.Text.RegularExpressions.Regex.IsMatch(Sha256, "^[0-9a-fA-F]{64}$"))
            throw new ArgumentException($"A SHA-256 is 64 hexadecimal digits (got '{Sha256}').", nameof(Sha256));
    }
}
