using System.Buffers;
using System.Collections.Concurrent;
using System.Diagnostics;
using System.Threading.Channels;
using TransferLearning.ImageClassification.Backbones;
using TransferLearning.ImageClassification.Data;
using TransferLearning.ImageClassification.Preprocessing;

namespace TransferLearning.ImageClassification.Features;

/// <summary>
/// Images → bottleneck features: read, decode, resize and normalise on <see cref="FeaturizerOptions.DecodeThreads"/>
/// workers while the backbone runs full batches, with an optional on-disk cache in front.
/// Thread-safe; one instance holds one warm ONNX Runtime session.
/// </summary>
public sealed class BottleneckFeaturizer : IDisposable
{
    private readonly BackboneRunner _runner;
    private readonly ImagePreprocessor _preprocessor;
    private readonly FeatureCache? _cache;
    private readonly FeaturizerOptions _options;

    private BottleneckFeaturizer(BackboneRunner runner, FeaturizerOptions options)
    {
        _runner = runner;
        _options = options;
        var spec = runner.Spec;
        _preprocessor = new ImagePreprocessor(spec.InputSize, spec.Layout, spec.Normalization);
        Views = options.HorizontalFlip ? 2 : 1;
        var fingerprint = spec.Fingerprint(runner.ModelSha256) + $"|mean={_preprocessor.MeanFingerprint}|resize={ImageDecoder.ResizeMethod}|views={Views}";
        _cache = options.CacheDirectory is { } directory ? new FeatureCache(directory, fingerprint) : null;
    }

    /// <summary>Loads the backbone and prepares the pipeline.</summary>
    /// <param name="backbone">The backbone to run.</param>
    /// <param name="options">Batch size, cache, threads, device.</param>
    /// <param name="logger">Receives the warning when the GPU is unusable and the CPU is used instead.</param>
    /// <exception cref="BackboneNotFoundException">The backbone's file is missing or not the expected one.</exception>
    /// <exception cref="ExecutionDeviceException">The GPU cannot be used and fallback to the CPU is off.</exception>
    public static BottleneckFeaturizer Create(BackboneSpec backbone, FeaturizerOptions? options = null, Microsoft.Extensions.Logging.ILogger? logger = null)
    {
        options ??= new FeaturizerOptions();
        options.Validate();
        return new BottleneckFeaturizer(BackboneRunner.Load(backbone, options.InferenceThreads, options.Device, logger, options.ModelDirectory), options);
    }

    /// <summary>The backbone in use.</summary>
    public BackboneSpec Backbone => _runner.Spec;

    /// <summary>SHA-256 of the backbone's ONNX file.</summary>
    public string BackboneSha256 => _runner.ModelSha256;

    /// <summary>Where the backbone actually runs.</summary>
    public ExecutionDevice Device => _runner.Device;

    /// <summary>Features per image.</summary>
    public int FeatureSize => _runner.FeatureSize;

    /// <summary>Feature vectors per image: 1, or 2 with <see cref="FeaturizerOptions.HorizontalFlip"/> (the image, then its mirror image).</summary>
    public int Views { get; }

    /// <summary>Input floats per image: every view's tensor back to back.</summary>
    private int ImageFloats => _preprocessor.TensorLength * Views;

    /// <summary>The cache in front of the backbone, if any.</summary>
    public FeatureCache? Cache => _cache;

    /// <summary>
    /// Features of encoded images, without the cache, <see cref="FeaturizerOptions.BatchSize"/> images per backbone
    /// call: per image, <see cref="Views"/> vectors back to back.
    /// </summary>
    /// <exception cref="ImageDecodeException">One of the images is not usable.</exception>
    public float[][] FeaturizeEncoded(IReadOnlyList<byte[]> encodedImages)
    {
        ArgumentNullException.ThrowIfNull(encodedImages);
        return encodedImages.Chunk(_options.BatchSize).SelectMany(FeaturizeBatch).ToArray();
    }

    private float[][] FeaturizeBatch(byte[][] encodedImages)
    {
        var length = ImageFloats;
        var input = new float[encodedImages.Length * length];
        try
        {
            Parallel.For(0, encodedImages.Length, i => WriteViews(encodedImages[i], input.AsSpan(i * length, length)));
        }
        catch (AggregateException e) when (e.InnerExceptions[0] is ImageDecodeException decode)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(decode);
        }
        return Split(_runner.Run(input, encodedImages.Length * Views), encodedImages.Length);
    }

    private void WriteViews(ReadOnlySpan<byte> encoded, Span<float> destination)
    {
        var length = _preprocessor.TensorLength;
        _preprocessor.Write(encoded, destination[..length], Views == 2 ? destination.Slice(length, length) : default);
    }

    /// <summary>
    /// Features of every file in <paramref name="paths"/>. Unreadable or undecodable files are skipped and reported with
    /// the reason; cached features are reused and new ones stored. Cancelling keeps every entry already written.
    /// </summary>
    public async Task<FeaturizationResult> FeaturizeAsync(
        IReadOnlyList<string> paths,
        IProgress<FeaturizationProgress>? progress = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(paths);
        var run = new Run(paths.Count, progress);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var channel = Channel.CreateBounded<Prepared>(new BoundedChannelOptions(_options.BatchSize * 2) { SingleReader = true });
        var producer = Task.Run(() => PrepareAllAsync(paths, run, channel.Writer, stop.Token), CancellationToken.None);
        try
        {
            await InferAllAsync(channel.Reader, run, stop.Token).ConfigureAwait(false);
        }
        finally
        {
            await stop.CancelAsync().ConfigureAwait(false);
            await producer.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
        await producer.ConfigureAwait(false); // surfaces a producer failure that ended the reader early
        cancellationToken.ThrowIfCancellationRequested();

        var skipped = run.Skipped.OrderBy(s => s.Index).Select(s => s.Image).ToArray();
        float[]? View(float[]? all, int view) => all?.AsSpan(view * FeatureSize, FeatureSize).ToArray();
        return new FeaturizationResult(
            run.Features.Select(f => View(f, 0)).ToArray(),
            Views == 2 ? run.Features.Select(f => View(f, 1)).ToArray() : null,
            skipped, run.Computed, run.FromCache, run.Clock.Elapsed);
    }

    private async Task PrepareAllAsync(IReadOnlyList<string> paths, Run run, ChannelWriter<Prepared> writer, CancellationToken token)
    {
        try
        {
            var parallel = new ParallelOptions { MaxDegreeOfParallelism = _options.DecodeThreads, CancellationToken = token };
            await Parallel.ForAsync(0, paths.Count, parallel, async (index, ct) =>
            {
                if (await PrepareAsync(paths[index], index, run, ct).ConfigureAwait(false) is { } prepared)
                    await writer.WriteAsync(prepared, ct).ConfigureAwait(false);
            }).ConfigureAwait(false);
            writer.Complete();
        }
        catch (Exception e)
        {
            writer.Complete(e);
            throw;
        }
    }

    private async Task<Prepared?> PrepareAsync(string path, int index, Run run, CancellationToken token)
    {
        byte[] bytes;
        try
        {
            bytes = await File.ReadAllBytesAsync(path, token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            run.Skip(index, path, $"cannot be read: {e.Message}");
            return null;
        }

        var key = _cache is null ? null : FeatureCache.KeyOf(bytes);
        if (key is not null && _cache!.TryGet(key, FeatureSize * Views, out var cached))
        {
            run.Complete(index, cached, fromCache: true);
            return null;
        }

        var tensor = ArrayPool<float>.Shared.Rent(ImageFloats);
        try
        {
            WriteViews(bytes, tensor.AsSpan(0, ImageFloats));
        }
        catch (ImageDecodeException e)
        {
            ArrayPool<float>.Shared.Return(tensor);
            run.Skip(index, path, e.Message);
            return null;
        }
        return new Prepared(index, key, tensor);
    }

    private async Task InferAllAsync(ChannelReader<Prepared> reader, Run run, CancellationToken token)
    {
        var batch = new List<Prepared>(_options.BatchSize);
        var input = new float[_options.BatchSize * ImageFloats];
        while (await reader.WaitToReadAsync(token).ConfigureAwait(false))
        {
            while (batch.Count < _options.BatchSize && reader.TryRead(out var item)) batch.Add(item);
            if (batch.Count == _options.BatchSize) InferBatch(batch, input, run);
        }
        if (batch.Count > 0) InferBatch(batch, input, run);
    }

    private void InferBatch(List<Prepared> batch, float[] input, Run run)
    {
        var length = ImageFloats;
        for (var i = 0; i < batch.Count; i++)
        {
            batch[i].Tensor.AsSpan(0, length).CopyTo(input.AsSpan(i * length));
            ArrayPool<float>.Shared.Return(batch[i].Tensor);
        }
        var features = Split(_runner.Run(input.AsMemory(0, batch.Count * length), batch.Count * Views), batch.Count);
        for (var i = 0; i < batch.Count; i++)
        {
            if (batch[i].CacheKey is { } key) _cache!.Put(key, features[i]);
            run.Complete(batch[i].Index, features[i], fromCache: false);
        }
        batch.Clear();
    }

    /// <summary>Backbone output → one array per image holding its <see cref="Views"/> vectors.</summary>
    private float[][] Split(float[] flat, int images)
    {
        var perImage = FeatureSize * Views;
        return Enumerable.Range(0, images).Select(i => flat.AsSpan(i * perImage, perImage).ToArray()).ToArray();
    }

    /// <inheritdoc />
    public void Dispose() => _runner.Dispose();

    private sealed record Prepared(int Index, string? CacheKey, float[] Tensor);

    /// <summary>Shared state of one <see cref="FeaturizeAsync"/> call.</summary>
    private sealed class Run(int total, IProgress<FeaturizationProgress>? progress)
    {
        private int _done;
        private int _computed;
        private int _fromCache;

        public float[]?[] Features { get; } = new float[]?[total];
        public ConcurrentBag<(int Index, SkippedImage Image)> Skipped { get; } = [];
        public Stopwatch Clock { get; } = Stopwatch.StartNew();
        public int Computed => _computed;
        public int FromCache => _fromCache;

        public void Complete(int index, float[] features, bool fromCache)
        {
            Features[index] = features;
            Interlocked.Increment(ref fromCache ? ref _fromCache : ref _computed);
            Report();
        }

        public void Skip(int index, string path, string reason)
        {
            Skipped.Add((index, new SkippedImage(path, reason)));
            Report();
        }

        private void Report()
        {
            var done = Interlocked.Increment(ref _done);
            progress?.Report(new FeaturizationProgress(done, total, done / Math.Max(Clock.Elapsed.TotalSeconds, 1e-9)));
        }
    }
}
