using TransferLearning.ImageClassification.IO;

namespace TransferLearning.ImageClassification.Downloads;

/// <summary>
/// How patiently a file is downloaded, for backbones (<see cref="ModelStoreOptions.Download"/>) and datasets alike:
/// each retry resumes where the last one stopped.
/// </summary>
public sealed class DownloadOptions
{
    /// <summary>Attempts per file, counting the first.</summary>
    public int MaxAttempts { get; init; } = 5;

    /// <summary>Wait before the first retry; it doubles for each further one, with jitter.</summary>
    public TimeSpan RetryDelay { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>An attempt fails when the server sends nothing for this long.</summary>
    public TimeSpan ReadTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>Plain HTTP is refused except to this machine (a local mirror or a test server); the rest must be
    /// HTTPS.</summary>
    public bool AllowLoopbackHttp { get; init; } = true;

    internal IReadOnlyList<string> Errors() => new OptionErrors()
        .Require(MaxAttempts >= 1, nameof(MaxAttempts), "must be at least 1", MaxAttempts)
        .Require(RetryDelay >= TimeSpan.Zero, nameof(RetryDelay), "must not be negative", RetryDelay)
        .Require(ReadTimeout > TimeSpan.Zero, nameof(ReadTimeout), "must be positive", ReadTimeout)
        .All;
}
