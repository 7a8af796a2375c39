using System.Net;
using System.Security.Cryptography;
using Polly;
using Polly.Retry;
using TransferLearning.ImageClassification.Backbones;

namespace TransferLearning.ImageClassification.Downloads;

/// <summary>
/// Fetches one file to its final path, or fails leaving a resumable <c>.partial</c> beside it: one process at a time
/// (a lock file), HTTPS only (plain HTTP to loopback when allowed, for tests), transient failures retried with
/// backoff, resumed with Range requests, the SHA-256 checked before the file takes its name. Shared by
/// <see cref="ModelStore"/> and the dataset downloads.
/// </summary>
internal sealed class VerifiedDownload
{
    private static readonly HttpClient SharedHttp = new(
        new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) })
    {
        Timeout = Timeout.InfiniteTimeSpan, // HttpFileDownload times out silence instead: a large file may take long.
    };

    private readonly HttpFileDownload _download;
    private readonly ResiliencePipeline _retry;
    private readonly bool _allowLoopbackHttp;

    public VerifiedDownload(DownloadOptions options, HttpClient? httpClient)
    {
        _download = new HttpFileDownload(httpClient ?? SharedHttp, options.ReadTimeout);
        _allowLoopbackHttp = options.AllowLoopbackHttp;
        var pipeline = new ResiliencePipelineBuilder();
        if (options.MaxAttempts > 1)
            pipeline.AddRetry(new RetryStrategyOptions
            {
                ShouldHandle = new PredicateBuilder().Handle<IOException>().Handle<HttpRequestException>()
                    .Handle<TimeoutException>(),
                MaxRetryAttempts = options.MaxAttempts - 1,
                Delay = options.RetryDelay,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
            });
        _retry = pipeline.Build();
    }

    /// <summary>Whether <paramref name="url"/> may be fetched: HTTPS, or HTTP to a loopback address when
    /// allowed.</summary>
    public bool Allows(Uri url) =>
        url.Scheme == Uri.UriSchemeHttps
        || url.Scheme == Uri.UriSchemeHttp && _allowLoopbackHttp
            && (url.IsLoopback || IPAddress.TryParse(url.Host, out var ip) && IPAddress.IsLoopback(ip));

    /// <summary>
    /// Downloads <paramref name="download"/> to <paramref name="path"/> unless it is there; returns the file's SHA-256
    /// (null when it was already there and <paramref name="sha256"/> is null: nothing was read).
    /// </summary>
    /// <exception cref="DownloadException">A permanent failure (4xx, wrong size or hash); the message says
    /// which.</exception>
    /// <exception cref="IOException">Retries ran out (also <see cref="HttpRequestException"/>,
    /// <see cref="TimeoutException"/>).</exception>
    public async Task<string?> FetchAsync(
        ModelDownload download, string path, string? sha256, IProgress<DownloadProgress>? progress,
        CancellationToken cancellationToken)
    {
        if (File.Exists(path)) return null;
        if (!Allows(download.Url)) throw new DownloadException($"{download.Url} is not HTTPS; refusing.");
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        using var fileLock = await FileLock.AcquireAsync(path + ".lock", cancellationToken).ConfigureAwait(false);
        if (File.Exists(path)) return null; // another process finished it while we waited

        var partial = path + ".partial";
        await _retry.ExecuteAsync(
            async token => await _download.RunAsync(download, partial, progress, token).ConfigureAwait(false),
            cancellationToken).ConfigureAwait(false);
        var actual = await HashAsync(partial, cancellationToken).ConfigureAwait(false);
        if (sha256 is not null && !string.Equals(actual, sha256, StringComparison.OrdinalIgnoreCase))
        {
            File.Delete(partial); // a complete file with the wrong hash is not worth resuming
            throw new DownloadException($"The downloaded file has SHA-256 {actual}, expected {sha256}.");
        }
        File.Move(partial, path);
        return actual;
    }

    public static async Task<string> HashAsync(string path, CancellationToken cancellationToken)
    {
        await using var stream = new FileStream(
            path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 20, useAsync: true);
        return Convert.ToHexStringLower(await SHA256.HashDataAsync(stream, cancellationToken).ConfigureAwait(false));
    }
}
