using System.Buffers;
using System.Collections.Concurrent;
using System.Diagnostics;
using System.Threading.Channels;
using TransferLearning.ImageClassification.Data;
using TransferLearning.ImageClassification.Preprocessing;

namespace TransferLearning.ImageClassification.Features;

/// <summary>
/// Files → features for one or several featurizers at once. Decode workers read each file once, hash it once for
/// every cache, decode and resize it once per input size, and normalise it for each featurizer that missed its
/// cache; a single inference loop runs whichever featurizer has a full batch, so decoding overlaps inference and
/// backbones never compete for the cores. Batches are formed in file order whatever order decoding finishes in,
/// so the same files give the same features to the bit, run after run.
/// </summary>
internal sealed class FeaturizationPipeline
{
    private readonly IReadOnlyList<BottleneckFeaturizer> _featurizers;
    private readonly IReadOnlyList<string> _paths;
    private readonly Run[] _runs;
    private readonly float[][] _inputs; // one reused batch buffer per featurizer (tens of MB: not worth reallocating)
    private readonly Progress _progress;
    private readonly int _decodeThreads;
    private readonly ImageLimits _limits;
    private readonly string?[] _hashes;

    private FeaturizationPipeline(IReadOnlyList<BottleneckFeaturizer> featurizers, IReadOnlyList<string> paths,
        IProgress<FeaturizationProgress>? progress)
    {
        (_featurizers, _paths) = (featurizers, paths);
        _runs = featurizers.Select(_ => new Run(paths.Count)).ToArray();
        _inputs = featurizers.Select(f => new float[f.Options.BatchSize * f.ImageFloats]).ToArray();
        _progress = new Progress(paths.Count, progress);
        _decodeThreads = featurizers.Max(f => f.Options.DecodeThreads);
        _limits = featurizers[0].Options.ImageLimits; // one run's featurizers share their options (TransferExperiment)
        _hashes = new string?[paths.Count];
    }

    public static async Task<FeaturizationResult[]> RunAsync(
        IReadOnlyList<BottleneckFeaturizer> featurizers, IReadOnlyList<string> paths,
        IProgress<FeaturizationProgress>? progress, CancellationToken cancellationToken)
    {
        var pipeline = new FeaturizationPipeline(featurizers, paths, progress);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var channel = Channel.CreateBounded<Prepared>(
            new BoundedChannelOptions(featurizers.Max(f => f.Options.BatchSize) * 2) { SingleReader = true });
        var producer = Task.Run(() => pipeline.PrepareAllAsync(channel.Writer, stop.Token), CancellationToken.None);
        try
        {
            await pipeline.InferAllAsync(channel.Reader, stop.Token).ConfigureAwait(false);
        }
        finally
        {
            await stop.CancelAsync().ConfigureAwait(false);
            await producer.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
        await producer.ConfigureAwait(false); // surfaces a producer failure that ended the reader early
        cancellationToken.ThrowIfCancellationRequested();
        return [.. featurizers.Select((f, k) => pipeline._runs[k].Result(f, pipeline._progress, pipeline._hashes))];
    }

    private async Task PrepareAllAsync(ChannelWriter<Prepared> writer, CancellationToken token)
    {
        try
        {
            var parallel = new ParallelOptions { MaxDegreeOfParallelism = _decodeThreads, CancellationToken = token };
            await Parallel.ForAsync(0, _paths.Count, parallel, async (index, ct) =>
            {
                foreach (var prepared in await PrepareAsync(index, ct).ConfigureAwait(false))
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

    private async Task<List<Prepared>> PrepareAsync(int index, CancellationToken token)
    {
        var path = _paths[index];
        byte[] bytes;
        try
        {
            bytes = await ImageFile.ReadAsync(path, _limits, token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return Skip(index, path, $"cannot be read: {e.Message}", Enumerable.Range(0, _featurizers.Count));
        }
        catch (ImageDecodeException e)
        {
            return Skip(index, path, e.Message, Enumerable.Range(0, _featurizers.Count));
        }

        // Hashed even without a cache (a fraction of decoding's cost): it also finds one image filed under two names.
        var key = _hashes[index] = FeatureCache.KeyOf(bytes);
        var missing = new List<int>();
        var prepared = new List<Prepared>(_featurizers.Count);
        for (var k = 0; k < _featurizers.Count; k++)
        {
            var featurizer = _featurizers[k];
            if (featurizer.Cache is { } cache
                && cache.TryGet(key, featurizer.FeatureSize * featurizer.Views, out var cached))
            {
                _runs[k].Complete(index, cached, fromCache: true);
                prepared.Add(new Prepared(k, index, key, Tensor: null));
            }
            else
            {
                missing.Add(k);
            }
        }
        if (missing.Count == 0) _progress.ImageDone();

        try
        {
            foreach (var sameSize in missing.GroupBy(k => _featurizers[k].Preprocessor.Size))
            {
                var resized = ArrayPool<float>.Shared.Rent(ImagePreprocessor.ResizedLengthAt(sameSize.Key));
                try
                {
                    ImagePreprocessor.DecodeResized(bytes, sameSize.Key, _limits, resized);
                    foreach (var k in sameSize) prepared.Add(Normalize(k, index, key, resized));
                }
                finally
                {
                    ArrayPool<float>.Shared.Return(resized);
                }
            }
        }
        catch (ImageDecodeException e)
        {
            foreach (var p in prepared.Where(p => p.Tensor is not null)) ArrayPool<float>.Shared.Return(p.Tensor!);
            return [.. prepared.Where(p => p.Tensor is null), .. Skip(index, path, e.Message, missing)];
        }
        return prepared;
    }

    private Prepared Normalize(int featurizer, int index, string? key, ReadOnlySpan<float> rgba)
    {
        var f = _featurizers[featurizer];
        var tensor = ArrayPool<float>.Shared.Rent(f.ImageFloats);
        f.WriteResizedViews(rgba, tensor.AsSpan(0, f.ImageFloats));
        return new Prepared(featurizer, index, key, tensor);
    }

    /// <summary>Records a skipped image for <paramref name="featurizers"/>; the returned placeholders keep the batches
    /// in file order.</summary>
    private List<Prepared> Skip(int index, string path, string reason, IEnumerable<int> featurizers)
    {
        var placeholders = featurizers.Select(k => new Prepared(k, index, null, Tensor: null)).ToList();
        foreach (var p in placeholders) _runs[p.Featurizer].Skip(index, path, reason);
        _progress.ImageDone();
        return placeholders;
    }

    private async Task InferAllAsync(ChannelReader<Prepared> reader, CancellationToken token)
    {
        var batches = _featurizers.Select(f => new List<Prepared>(f.Options.BatchSize)).ToArray();
        var early = _featurizers.Select(_ => new Dictionary<int, Prepared>()).ToArray(); // arrived before their turn
        var next = new int[_featurizers.Count];
        while (await reader.WaitToReadAsync(token).ConfigureAwait(false))
            while (reader.TryRead(out var item))
            {
                var k = item.Featurizer;
                early[k].Add(item.Index, item);
                while (early[k].Remove(next[k], out var inTurn))
                {
                    next[k]++;
                    if (inTurn.Tensor is null) continue; // cached or skipped
                    batches[k].Add(inTurn);
                    if (batches[k].Count == _featurizers[k].Options.BatchSize) InferBatch(k, batches[k]);
                }
            }
        for (var k = 0; k < batches.Length; k++)
            if (batches[k].Count > 0) InferBatch(k, batches[k]);
    }

    private void InferBatch(int k, List<Prepared> batch)
    {
        var featurizer = _featurizers[k];
        var length = featurizer.ImageFloats;
        var input = _inputs[k];
        for (var i = 0; i < batch.Count; i++)
        {
            batch[i].Tensor!.AsSpan(0, length).CopyTo(input.AsSpan(i * length));
            ArrayPool<float>.Shared.Return(batch[i].Tensor!);
        }
        var clock = Stopwatch.StartNew();
        var features = featurizer.RunBackbone(input.AsMemory(0, batch.Count * length), batch.Count);
        _runs[k].BackboneTime += clock.Elapsed;
        for (var i = 0; i < batch.Count; i++)
        {
            if (batch[i].CacheKey is { } key) featurizer.Cache?.Put(key, features[i]);
            if (_runs[k].Complete(batch[i].Index, features[i], fromCache: false)
                && _runs.All(r => r.IsDone(batch[i].Index)))
                _progress.ImageDone();
        }
        batch.Clear();
    }

    /// <summary>An image's input tensor for one featurizer, or a placeholder (null tensor) when it needs no
    /// inference.</summary>
    private sealed record Prepared(int Featurizer, int Index, string? CacheKey, float[]? Tensor);

    /// <summary>Images finished for every featurizer, reported as they finish.</summary>
    private sealed class Progress(int total, IProgress<FeaturizationProgress>? progress)
    {
        private int _done;

        public Stopwatch Clock { get; } = Stopwatch.StartNew();

        public void ImageDone()
        {
            var done = Interlocked.Increment(ref _done);
            progress?.Report(new FeaturizationProgress(done, total, done / Math.Max(Clock.Elapsed.TotalSeconds, 1e-9)));
        }
    }

    /// <summary>One featurizer's share of the run.</summary>
    private sealed class Run(int total)
    {
        private readonly float[]?[] _features = new float[]?[total];
        private readonly bool[] _done = new bool[total];
        private readonly ConcurrentBag<(int Index, SkippedImage Image)> _skipped = [];
        private int _computed;
        private int _fromCache;

        /// <summary>Time spent in this featurizer's backbone (written by the single inference loop only).</summary>
        public TimeSpan BackboneTime { get; set; }

        /// <summary>Records an image's features; true when computed here (the caller reports progress then).</summary>
        public bool Complete(int index, float[] features, bool fromCache)
        {
            _features[index] = features;
            Volatile.Write(ref _done[index], true);
            Interlocked.Increment(ref fromCache ? ref _fromCache : ref _computed);
            return !fromCache;
        }

        public bool IsDone(int index) => Volatile.Read(ref _done[index]);

        public void Skip(int index, string path, string reason)
        {
            _skipped.Add((index, new SkippedImage(path, reason)));
            Volatile.Write(ref _done[index], true);
        }

        public FeaturizationResult Result(
            BottleneckFeaturizer featurizer, Progress progress, IReadOnlyList<string?> hashes)
        {
            var size = featurizer.FeatureSize;
            float[]? View(float[]? all, int view) => all?.AsSpan(view * size, size).ToArray();
            return new FeaturizationResult(
                _features.Select(f => View(f, 0)).ToArray(),
                featurizer.Views == 2 ? _features.Select(f => View(f, 1)).ToArray() : null,
                _skipped.OrderBy(s => s.Index).Select(s => s.Image).ToArray(),
                _computed, _fromCache, progress.Clock.Elapsed, BackboneTime, hashes);
        }
    }
}
