using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;

namespace TransferLearning.ImageClassification.Downloads;

/// <summary>
/// One attempt at fetching a file into a partial file, resuming from the bytes already there with a Range request.
/// Transient failures (dropped connection, silence beyond the read timeout, 5xx) surface as <see cref="IOException"/>
/// or <see cref="HttpRequestException"/> for the caller's retry; permanent ones as <see cref="DownloadException"/>.
/// </summary>
internal sealed class HttpFileDownload(HttpClient http, TimeSpan readTimeout)
{
    private const int BufferSize = 1 << 20;
    private static readonly TimeSpan ReportEvery = TimeSpan.FromMilliseconds(250);

    public async Task RunAsync(Backbones.ModelDownload download, string partialPath,
        IProgress<DownloadProgress>? progress, CancellationToken cancellationToken)
    {
        // Bytes 0: size unknown (a mirror given by address only); the server's Content-Length stands in for it.
        var (url, expectedBytes) = (download.Url, download.Bytes);
        var existing = File.Exists(partialPath) ? new FileInfo(partialPath).Length : 0;
        if (expectedBytes > 0 && existing > expectedBytes)
        {
            File.Delete(partialPath); // longer than the file can be: not a prefix of it
            existing = 0;
        }
        if (expectedBytes > 0 && existing == expectedBytes) return;

        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        if (existing > 0) request.Headers.Range = new RangeHeaderValue(existing, null);
        using var silence = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        silence.CancelAfter(readTimeout);
        using var response = await Guard(() => http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead,
            silence.Token), silence, cancellationToken).ConfigureAwait(false);
        ThrowOnFailure(response);
        var resumed = response.StatusCode == HttpStatusCode.PartialContent;
        var received = resumed ? existing : 0;
        if (expectedBytes <= 0) expectedBytes = response.Content.Headers.ContentLength is { } length ? received + length
            : 0;

        await using var body = await response.Content.ReadAsStreamAsync(silence.Token).ConfigureAwait(false);
        await using var file = new FileStream(partialPath, resumed ? FileMode.Append
            : FileMode.Create, FileAccess.Write, FileShare.None, BufferSize, useAsync: true);
        var buffer = new byte[BufferSize];
        var clock = Stopwatch.StartNew();
        var (startBytes, lastReport) = (received, TimeSpan.Zero);
        while (true)
        {
            silence.CancelAfter(readTimeout);
            var read = await Guard(() => body.ReadAsync(buffer, silence.Token).AsTask(), silence, cancellationToken)
                .ConfigureAwait(false);
            if (read == 0) break;
            await file.WriteAsync(buffer.AsMemory(0, read), cancellationToken).ConfigureAwait(false);
            received += read;
            if (clock.Elapsed - lastReport >= ReportEvery || received == expectedBytes)
            {
                lastReport = clock.Elapsed;
                progress?.Report(new DownloadProgress(download.FileName, received, expectedBytes,
                    (received - startBytes) / Math.Max(clock.Elapsed.TotalSeconds, 1e-3)));
            }
        }
        if (received < expectedBytes)
            throw new IOException($"The connection closed after {received:N0} of {expectedBytes:N0} bytes.");
        if (download.Bytes > 0 && received > download.Bytes)
            throw new DownloadException($"The server sent {received:N0} bytes; the file has {download.Bytes:N0}.");
    }

    /// <summary>Turns the read timeout firing into a transient <see cref="TimeoutException"/>; the caller's own
    /// cancellation passes through.</summary>
    private async Task<T> Guard<T>(
        Func<Task<T>> action, CancellationTokenSource silence, CancellationToken cancellationToken)
    {
        try
        {
            return await action().ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (silence.IsCancellationRequested
            && !cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"The server sent nothing for {readTimeout.TotalSeconds:0.#} s.");
        }
    }

    private static void ThrowOnFailure(HttpResponseMessage response)
    {
        var status = (int)response.StatusCode;
        if (response.IsSuccessStatusCode) return;
        // Server trouble and throttling may pass; anything else (404, 403, ...) will not.
        if (status >= 500 || status is 408 or 429)
            throw new HttpRequestException(
                $"The server answered {status} {response.ReasonPhrase}.", null, response.StatusCode);
        throw new DownloadException($"The server answered {status} {response.ReasonPhrase}.");
    }
}
