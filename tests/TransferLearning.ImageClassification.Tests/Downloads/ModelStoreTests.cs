using System.Net;
using System.Security.Cryptography;
using TransferLearning.ImageClassification.Backbones;
using TransferLearning.ImageClassification.Downloads;
using TransferLearning.ImageClassification.Preprocessing;
using TransferLearning.ImageClassification.Tests.Support;

namespace TransferLearning.ImageClassification.Tests.Downloads;

public sealed class ModelStoreTests : IDisposable
{
    private static readonly byte[] Model = TinyOnnx.Classifier("data", "pooled", 64, FeatureProducer.GlobalAveragePool);
    private readonly TempFolder _folder = TestImages.NewFolder();

    public void Dispose() => _folder.Dispose();

    private ModelStore Store(int attempts = 3, double readTimeoutSeconds = 5, HttpClient? http = null) => new(
        new ModelStoreOptions
        {
            Directory = _folder.Path,
            Download = new()
            {
                MaxAttempts = attempts,
                RetryDelay = TimeSpan.FromMilliseconds(10),
                ReadTimeout = TimeSpan.FromSeconds(readTimeoutSeconds),
            },
        },
        http);

    /// <summary>Counts the requests the client sends.</summary>
    private sealed class CountingHandler() : DelegatingHandler(new HttpClientHandler())
    {
        private int _sent;

        public int Sent => Volatile.Read(ref _sent);

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken token)
        {
            Interlocked.Increment(ref _sent);
            return base.SendAsync(request, token);
        }
    }

    private static BackboneSpec Spec(Uri url, byte[]? content = null) => new()
    {
        Name = "tiny",
        Download = new ModelDownload(url, (content ?? Model).Length, "tiny.onnx"),
        Sha256 = Convert.ToHexStringLower(SHA256.HashData(content ?? Model)),
        InputName = "data",
        InputSize = new ImageSize(224, 224),
        Normalization = PixelNormalization.Torch,
    };

    private string Target => Path.Combine(_folder.Path, "tiny.onnx");

    [Fact]
    public async Task A_model_is_downloaded_verified_and_renamed_into_place_with_progress()
    {
        using var server = new LoopbackServer((context, _) => LoopbackServer.ServeAsync(context, Model));
        var reports = new List<DownloadProgress>();

        var path = await Store().EnsureAsync(Spec(server.Url("tiny.onnx")), new SynchronousProgress<DownloadProgress>(reports.Add));

        Assert.Equal(Target, path);
        Assert.Equal(Model, File.ReadAllBytes(path));
        Assert.Equal(Model.Length, reports[^1].BytesReceived);
        Assert.All(reports, r => Assert.Equal("tiny.onnx", r.FileName));
        Assert.Equal(["tiny.onnx"], Directory.GetFiles(_folder.Path).Select(Path.GetFileName));
    }

    [Fact]
    public async Task A_model_already_in_the_store_is_not_downloaded_again()
    {
        using var server = new LoopbackServer((context, _) => LoopbackServer.ServeAsync(context, Model));
        await Store().EnsureAsync(Spec(server.Url("tiny.onnx")));

        await Store().EnsureAsync(Spec(server.Url("tiny.onnx")));

        Assert.Equal(1, server.Requests);
    }

    [Fact]
    public async Task One_attempt_means_no_retry()
    {
        using var server = new LoopbackServer((context, _) => LoopbackServer.ServeAsync(context, Model, stopAfter: 10, honourRange: false));

        await Assert.ThrowsAsync<DownloadException>(() => Store(attempts: 1).EnsureAsync(Spec(server.Url("tiny.onnx"))));

        Assert.Equal(1, server.Requests);
    }

    [Fact]
    public async Task Not_found_fails_at_once_saying_which_file_from_where_and_where_to_put_it()
    {
        using var server = new LoopbackServer((context, _) =>
        {
            context.Response.StatusCode = 404;
            context.Response.Close();
            return Task.CompletedTask;
        });
        var url = server.Url("missing.onnx");

        var error = await Assert.ThrowsAsync<DownloadException>(() => Store().EnsureAsync(Spec(url)));

        Assert.Contains(url.ToString(), error.Message);
        Assert.Contains(Target, error.Message);
        Assert.Contains("404", error.Message);
        Assert.Equal(1, server.Requests);
        Assert.False(File.Exists(Target));
    }

    [Fact]
    public async Task A_body_that_always_stops_short_fails_after_the_retries()
    {
        // Ignores Range and always closes halfway: no attempt can finish.
        using var server = new LoopbackServer((context, _) => LoopbackServer.ServeAsync(context, Model, stopAfter: Model.Length / 2, honourRange: false));

        var error = await Assert.ThrowsAsync<DownloadException>(() => Store(attempts: 3).EnsureAsync(Spec(server.Url("tiny.onnx"))));

        Assert.Equal(3, server.Requests);
        Assert.False(File.Exists(Target));
        Assert.Contains("tiny", error.Message);
    }

    [Fact]
    public async Task A_dropped_connection_is_resumed_from_where_it_stopped()
    {
        var firstPart = Model.Length * 2 / 5;
        using var server = new LoopbackServer((context, request) =>
            LoopbackServer.ServeAsync(context, Model, stopAfter: request == 1 ? firstPart : null));

        var path = await Store().EnsureAsync(Spec(server.Url("tiny.onnx")));

        Assert.Equal(Model, File.ReadAllBytes(path));
        Assert.Equal(["", $"bytes={firstPart}-"], server.RangeHeaders);
    }

    [Fact]
    public async Task A_file_with_the_wrong_hash_is_deleted_and_never_put_in_place()
    {
        var impostor = Model.Select(b => (byte)(b ^ 0xFF)).ToArray();
        using var server = new LoopbackServer((context, _) => LoopbackServer.ServeAsync(context, impostor));

        var error = await Assert.ThrowsAsync<DownloadException>(() => Store().EnsureAsync(Spec(server.Url("tiny.onnx"))));

        Assert.Contains("SHA-256", error.Message);
        Assert.Empty(Directory.GetFiles(_folder.Path));
    }

    [Fact]
    public async Task A_silent_server_times_out_and_is_retried()
    {
        using var quit = new CancellationTokenSource();
        using var server = new LoopbackServer(async (context, _) =>
        {
            await Task.Delay(TimeSpan.FromSeconds(10), quit.Token);
            await LoopbackServer.ServeAsync(context, Model);
        });

        var counting = new CountingHandler();
        using var http = new HttpClient(counting);

        var error = await Assert.ThrowsAsync<DownloadException>(() => Store(attempts: 2, readTimeoutSeconds: 0.3, http).EnsureAsync(Spec(server.Url("tiny.onnx"))));

        Assert.Contains("sent nothing", error.Message);
        // Counted where the requests leave: the listener may never see a request the client gave up on (CI saw it
        // count one of the two).
        Assert.Equal(2, counting.Sent);
        await quit.CancelAsync();
    }

    [Fact]
    public async Task Two_runs_asking_at_once_share_one_download()
    {
        using var server = new LoopbackServer(async (context, _) =>
        {
            await Task.Delay(300); // long enough for both runs to be waiting
            await LoopbackServer.ServeAsync(context, Model);
        });
        var spec = Spec(server.Url("tiny.onnx"));

        var paths = await Task.WhenAll(Store().EnsureAsync(spec), Store().EnsureAsync(spec));

        Assert.Equal(paths[0], paths[1]);
        Assert.Equal(Model, File.ReadAllBytes(paths[0]));
        Assert.Equal(1, server.Requests);
    }

    [Fact]
    public async Task Plain_http_to_another_machine_is_refused_before_connecting()
    {
        var error = await Assert.ThrowsAsync<DownloadException>(() => Store().EnsureAsync(Spec(new Uri("http://example.com/tiny.onnx"))));

        Assert.Contains("not HTTPS", error.Message);
    }

    [Fact]
    public async Task A_local_file_stands_in_for_a_download()
    {
        var local = Path.Combine(_folder.Path, "mine.onnx");
        await File.WriteAllBytesAsync(local, Model);

        var path = await Store().EnsureAsync(new BackboneSpec(Spec(new Uri("https://unreachable.invalid/tiny.onnx"))) { ModelPath = local });

        Assert.Equal(local, path);
    }

    [Fact]
    public void The_default_folder_follows_the_environment_variable()
    {
        var before = Environment.GetEnvironmentVariable(ModelStoreOptions.DirectoryVariable);
        try
        {
            Environment.SetEnvironmentVariable(ModelStoreOptions.DirectoryVariable, _folder.Path);
            Assert.Equal(_folder.Path, new ModelStoreOptions().Directory);
        }
        finally
        {
            Environment.SetEnvironmentVariable(ModelStoreOptions.DirectoryVariable, before);
        }
    }
}
