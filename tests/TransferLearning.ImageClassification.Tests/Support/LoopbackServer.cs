using System.Net;
using System.Net.Sockets;

namespace TransferLearning.ImageClassification.Tests.Support;

/// <summary>
/// An HTTP server on 127.0.0.1 for download tests: every request goes to the handler, which sees the request
/// number. <see cref="ServeAsync"/> honours Range requests like a real file server. No test touches the internet.
/// </summary>
internal sealed class LoopbackServer : IDisposable
{
    private readonly HttpListener _listener = new();
    private readonly CancellationTokenSource _stop = new();
    private int _requests;

    public LoopbackServer(Func<HttpListenerContext, int, Task> handler)
    {
        var port = FreePort();
        BaseUrl = new Uri($"http://127.0.0.1:{port}/");
        _listener.Prefixes.Add(BaseUrl.ToString());
        _listener.Start();
        _ = Task.Run(async () =>
        {
            while (!_stop.IsCancellationRequested)
            {
                HttpListenerContext context;
                try { context = await _listener.GetContextAsync(); }
                catch (Exception) { return; }
                var number = Interlocked.Increment(ref _requests);
                RangeHeaders.Enqueue(context.Request.Headers["Range"] ?? "");
                _ = Task.Run(async () =>
                {
                    try { await handler(context, number); }
                    catch (Exception) { context.Response.Abort(); }
                });
            }
        });
    }

    public Uri BaseUrl { get; }

    /// <summary>Requests received so far.</summary>
    public int Requests => Volatile.Read(ref _requests);

    /// <summary>The Range header of each request ("" when none), in arrival order.</summary>
    public System.Collections.Concurrent.ConcurrentQueue<string> RangeHeaders { get; } = new();

    public Uri Url(string file) => new(BaseUrl, file);

    /// <summary>
    /// Sends <paramref name="content"/> (from the requested offset when the request has a Range, unless
    /// <paramref name="honourRange"/> is off), closing the connection after <paramref name="stopAfter"/> bytes if given.
    /// </summary>
    public static async Task ServeAsync(HttpListenerContext context, byte[] content, long? stopAfter = null, bool honourRange = true)
    {
        var response = context.Response;
        var start = 0L;
        if (honourRange && context.Request.Headers["Range"] is { } range && range.StartsWith("bytes=", StringComparison.Ordinal))
        {
            start = long.Parse(range["bytes=".Length..].TrimEnd('-'), System.Globalization.CultureInfo.InvariantCulture);
            response.StatusCode = 206;
            response.AddHeader("Content-Range", $"bytes {start}-{content.Length - 1}/{content.Length}");
        }
        response.ContentLength64 = content.Length - start;
        var count = (int)Math.Min(content.Length - start, stopAfter ?? long.MaxValue);
        await response.OutputStream.WriteAsync(content.AsMemory((int)start, count));
        if (stopAfter is not null && count < content.Length - start)
        {
            await response.OutputStream.FlushAsync();
            response.Abort();
            return;
        }
        response.Close();
    }

    private static int FreePort()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }

    public void Dispose()
    {
        _stop.Cancel();
        _listener.Close();
        _stop.Dispose();
    }
}
