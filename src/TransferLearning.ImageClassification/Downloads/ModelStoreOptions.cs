using TransferLearning.ImageClassification.IO;
namespace TransferLearning.ImageClassification.Downloads;

/// <summary>Where a <see cref="ModelStore"/> keeps backbones and how patiently it downloads them.</summary>
public sealed class ModelStoreOptions
{
    /// <summary>Environment variable that overrides <see cref="DefaultDirectory"/>.</summary>
    public const string DirectoryVariable = CacheFolders.ModelsVariable;

    /// <summary>Folder holding the downloaded ONNX files.</summary>
    public string Directory { get; init; } = DefaultDirectory;

    /// <summary>Attempts per file before giving up; each retry resumes where the last one stopped.</summary>
    public int MaxAttempts { get; init; } = 5;

    /// <summary>Wait before the first retry; doubled for each further one.</summary>
    public TimeSpan RetryDelay { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>An attempt fails when the server sends nothing for this long.</summary>
    public TimeSpan ReadTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>Plain HTTP is refused except to this machine (a local mirror or a test server).</summary>
    public bool AllowLoopbackHttp { get; init; } = true;

    /// <summary><c>$TRANSFER_LEARNING_MODELS</c>, else <c>$XDG_CACHE_HOME</c> (or local application data) / transfer-learning / models.</summary>
    internal static string DefaultDirectory => CacheFolders.Models;

    internal void Validate()
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(Directory, nameof(Directory));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxAttempts, 1, nameof(MaxAttempts));
        ArgumentOutOfRangeException.ThrowIfNegative(RetryDelay.Ticks, nameof(RetryDelay));
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(ReadTimeout.Ticks, 0, nameof(ReadTimeout));
    }
}
