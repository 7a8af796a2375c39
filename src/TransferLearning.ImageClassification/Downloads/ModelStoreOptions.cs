using TransferLearning.ImageClassification.IO;

namespace TransferLearning.ImageClassification.Downloads;

/// <summary>Where a <see cref="ModelStore"/> keeps backbones and how patiently it downloads them.</summary>
public sealed class ModelStoreOptions
{
    /// <summary>Environment variable that, when set, is the default <see cref="Directory"/>.</summary>
    public const string DirectoryVariable = CacheFolders.ModelsVariable;

    /// <summary>
    /// Folder holding the downloaded ONNX files (default: <c>$TRANSFER_LEARNING_MODELS</c>, else
    /// <c>$XDG_CACHE_HOME</c> or local application data / transfer-learning / models).
    /// </summary>
    public string Directory { get; init; } = DefaultDirectory;

    /// <summary>How patiently to download: attempts, backoff, read timeout, loopback HTTP.</summary>
    public DownloadOptions Download { get; init; } = new();

    /// <summary><c>$TRANSFER_LEARNING_MODELS</c>, else <c>$XDG_CACHE_HOME</c> (or local application data) /
    /// transfer-learning / models.</summary>
    internal static string DefaultDirectory => CacheFolders.Models;

    internal void Validate() => OptionErrors.ThrowIfAny(nameof(ModelStoreOptions), new OptionErrors()
        .Require(!string.IsNullOrWhiteSpace(Directory), nameof(Directory), "must name a folder")
        .Require(Download is not null, nameof(Download), "must be set")
        .Include(nameof(Download), Download?.Errors() ?? [])
        .All);
}
