using System.Net;
using System.Security.Cryptography;
using Polly;
using Polly.Retry;
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
    private static readonly HttpClient SharedHttp = new(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) })
    {
        Timeout = Timeout.InfiniteTimeSpan, // HttpFileDownload times out silence instead: a large file may take long.
    };

    private readonly HttpFileDownload _download;
    private readonly ResiliencePipeline _retry;

    /// <summary>Creates a store.</summary>
    /// <param name="options">Folder and retry settings (default <see cref="ModelStoreOptions"/>).</param>
    /// <param name="httpClient">The client to download with (default: one shared client).</param>
    public ModelStore(ModelStoreOptions? options = null, HttpClient? httpClient = null)
    {
        Options = options ?? new ModelStoreOptions();
        Options.Validate();
        _download = new HttpFileDownload(httpClient ?? SharedHttp, Options.ReadTimeout);
        var pipeline = new ResiliencePipelineBuilder();
        if (Options.MaxAttempts > 1)
            pipeline.AddRetry(new RetryStrategyOptions
            {
                ShouldHandle = new PredicateBuilder().Handle<IOException>().Handle<HttpRequestException>().Handle<TimeoutException>(),
                MaxRetryAttempts = Options.MaxAttempts - 1,
                Delay = Options.RetryDelay,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
            });
        _retry = pipeline.Build();
    }

    /// <summary>A store with default settings in <paramref name="directory"/> (null: <see cref="ModelStoreOptions.DefaultDirectory"/>).</summary>
    /// <param name="directory">The folder, or null.</param>
    public static ModelStore At(string? directory) => new(new ModelStoreOptions { Directory = directory ?? ModelStoreOptions.DefaultDirectory });

    /// <summary>The store's settings.</summary>
    public ModelStoreOptions Options { get; }

    /// <summary>Where <paramref name="backbone"/>'s ONNX file is, or will be once downloaded.</summary>
    /// <exception cref="ArgumentException">The specification has neither a local path nor a download.</exception>
    public string PathOf(BackboneSpec backbone)
    {
        ArgumentNullException.ThrowIfNull(backbone);
        return backbone.ModelPath
            ?? (backbone.Download is { } download ? Path.Combine(Options.Directory, download.FileName)
                : throw new ArgumentException($"Backbone '{backbone.Name}' has neither a ModelPath nor a Download.", nameof(backbone)));
    }

    /// <summary>The path of <paramref name="backbone"/>'s ONNX file, downloading and verifying it first if it is not there yet.</summary>
    /// <param name="backbone">The backbone.</param>
    /// <param name="progress">Receives bytes and rate while downloading.</param>
    /// <param name="cancellationToken">Stops the download; the partial file stays and the next call resumes it.</param>
    /// <exception cref="ModelDownloadException">Offline, refused, truncated beyond the retries, or the wrong file; the message says where to put it by hand.</exception>
    /// <exception cref="BackboneNotFoundException">A local-only backbone's file is missing.</exception>
    public async Task<string> EnsureAsync(BackboneSpec backbone, IProgress<DownloadProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        var path = PathOf(backbone);
        if (File.Exists(path)) return path;
        if (backbone.ModelPath is not null || backbone.Download is not { } download)
            throw new BackboneNotFoundException($"Backbone '{backbone.Name}' needs the ONNX file '{path}', which does not exist. Source: {backbone.Source}.");
        CheckAddress(backbone, download.Url, path);

        Directory.CreateDirectory(Options.Directory);
        using var fileLock = await FileLock.AcquireAsync(path + ".lock", cancellationToken).ConfigureAwait(false);
        if (File.Exists(path)) return path; // another process finished it while we waited

        var partial = path + ".partial";
        try
        {
            await _retry.ExecuteAsync(
                async token => await _download.RunAsync(download, partial, progress, token).ConfigureAwait(false),
                cancellationToken).ConfigureAwait(false);
            await VerifyAsync(backbone, partial, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or HttpRequestException or TimeoutException or ModelDownloadException)
        {
            throw new ModelDownloadException(
                $"Could not download backbone '{backbone.Name}' from {download.Url}: {e.Message.TrimEnd('.')}. " +
                $"To install it by hand, save that file as '{path}' (SHA-256 {backbone.Sha256 ?? "not fixed"}, {download.Bytes:N0} bytes), " +
                "or set the backbone's ModelPath to a copy you have.", e);
        }
        File.Move(partial, path);
        return path;
    }

    private async Task VerifyAsync(BackboneSpec backbone, string partial, CancellationToken cancellationToken)
    {
        if (backbone.Sha256 is not { } expected) return;
        await using var stream = new FileStream(partial, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 20, useAsync: true);
        var actual = Convert.ToHexStringLower(await SHA256.HashDataAsync(stream, cancellationToken).ConfigureAwait(false));
        if (string.Equals(actual, expected, StringComparison.OrdinalIgnoreCase)) return;
        stream.Close();
        File.Delete(partial); // a complete file with the wrong hash is not worth resuming
        throw new ModelDownloadException($"The downloaded file has SHA-256 {actual}, expected {expected}.");
    }

    private void CheckAddress(BackboneSpec backbone, Uri url, string path)
    {
        var loopbackHttp = url.Scheme == Uri.UriSchemeHttp && Options.AllowLoopbackHttp && (url.IsLoopback || IPAddress.TryParse(url.Host, out var ip) && IPAddress.IsLoopback(ip));
        if (url.Scheme != Uri.UriSchemeHttps && !loopbackHttp)
            throw new ModelDownloadException(
                $"Backbone '{backbone.Name}' would be downloaded from {url}, which is not HTTPS; refusing. Save the file as '{path}' by hand instead.");
    }
}
