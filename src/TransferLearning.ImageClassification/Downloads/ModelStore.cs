using TransferLearning.ImageClassification.Backbones;

namespace TransferLearning.ImageClassification.Downloads;

/// <summary>
/// The folder of downloaded backbones. A catalogue entry is fetched on first use over HTTPS into a partial file
/// (resumed after a dropped connection, retried with backoff), checked against its size and SHA-256, and only then
/// renamed into place, so nothing ever loads a half-written or wrong file. A lock file makes concurrent runs share
/// one download. Thread-safe.
/// </summary>
public sealed class ModelStore
{
    private readonly VerifiedDownload _download;

    /// <summary>Creates a store.</summary>
    /// <param name="options">Folder and retry settings (default <see cref="ModelStoreOptions"/>).</param>
    /// <param name="httpClient">The client to download with (default: one shared client).</param>
    public ModelStore(ModelStoreOptions? options = null, HttpClient? httpClient = null)
    {
        Options = options ?? new ModelStoreOptions();
        Options.Validate();
        _download = new VerifiedDownload(Options.Download, httpClient);
    }

    private static readonly Lazy<ModelStore> DefaultStore = new(() => new ModelStore());

    /// <summary>The store with default settings, for options that name none.</summary>
    internal static ModelStore Default => DefaultStore.Value;

    /// <summary>The store's settings.</summary>
    public ModelStoreOptions Options { get; }

    /// <summary>Where <paramref name="backbone"/>'s ONNX file is, or will be once downloaded.</summary>
    /// <exception cref="ArgumentException">The specification has neither a local path nor a download.</exception>
    public string GetPath(BackboneSpec backbone) => BackboneFile.PathOf(backbone, Options.Directory);

    /// <summary>
    /// Checks <paramref name="backbone"/>'s cut on its own graph: one random image goes through the original network,
    /// with the tensor the cut pools exposed as an extra output, and through the rewritten feature extractor. Returns
    /// the largest difference between the two, relative to max(1, |value|): about 1e-6 when the cut is right. Run it
    /// on any new or downloaded backbone.
    /// </summary>
    /// <param name="backbone">The backbone; its file must be here (<see cref="EnsureAsync"/>).</param>
    /// <param name="seed">Seed of the random image.</param>
    /// <exception cref="BackboneNotFoundException">The backbone's file is missing.</exception>
    /// <exception cref="InvalidDataException">The rewrite does not pool to as many values as the original.</exception>
    public double MeasureCutError(BackboneSpec backbone, int seed = 1)
    {
        ArgumentNullException.ThrowIfNull(backbone);
        return BackboneVerifier.MaxDifference(backbone, Options.Directory, seed);
    }

    /// <summary>The path of <paramref name="backbone"/>'s ONNX file, downloading and verifying it first if it is not
    /// there yet.</summary>
    /// <param name="backbone">The backbone.</param>
    /// <param name="progress">Receives bytes and rate while downloading.</param>
    /// <param name="cancellationToken">Stops the download; the partial file stays and the next call resumes it.</param>
    /// <exception cref="DownloadException">Offline, refused, truncated beyond the retries, or the wrong file; the
    /// message says where to put it by hand.</exception>
    /// <exception cref="BackboneNotFoundException">A local-only backbone's file is missing.</exception>
    public async Task<string> EnsureAsync(BackboneSpec backbone, IProgress<DownloadProgress>? progress = null,
        CancellationToken cancellationToken = default)
    {
        var path = GetPath(backbone);
        if (File.Exists(path)) return path;
        if (backbone.ModelPath is not null || backbone.Download is not { } download)
            throw new BackboneNotFoundException($"Backbone '{backbone.Name}' needs the ONNX file '{path}', which " +
                $"does not exist. Source: {backbone.Source}.");
        if (!_download.Allows(download.Url))
            throw new DownloadException(
                $"Backbone '{backbone.Name}' would be downloaded from {download.Url}, which is not HTTPS; refusing. " +
                $"Save the file as '{path}' by hand instead.");
        try
        {
            await _download.FetchAsync(download, path, backbone.Sha256, progress, cancellationToken)
                .ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or HttpRequestException or TimeoutException or DownloadException)
        {
            throw new DownloadException(
                $"Could not download backbone '{backbone.Name}' from {download.Url}: {e.Message.TrimEnd('.')}. " +
                $"To install it by hand, save that file as '{path}' (SHA-256 {backbone.Sha256 ?? "not fixed"}, " +
                $"{download.Bytes:N0} bytes), " +
                "or set the backbone's ModelPath to a copy you have.", e);
        }
        return path;
    }
}
