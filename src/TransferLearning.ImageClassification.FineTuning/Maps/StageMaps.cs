using Microsoft.Extensions.Logging;
using TransferLearning.ImageClassification.Backbones;
using TransferLearning.ImageClassification.Features;

namespace TransferLearning.ImageClassification.FineTuning.Maps;

/// <summary>
/// The frozen part's output (the maps at the stage boundary) for every image fine-tuning uses: computed once by the
/// featurizer's batched ONNX Runtime pipeline, every view of an image in one float16 cache entry keyed by backbone,
/// boundary, preprocessing and image bytes, and read back a batch at a time, so memory stays bounded as the data grows.
/// </summary>
internal sealed class StageMaps
{
    private const int Chunk = 128;
    private readonly FeatureCache _cache;
    private readonly string?[] _keys; // per image of the run; null: no map (skipped, or its file changed)

    private StageMaps(FeatureCache cache, string?[] keys, int views, int[] shape)
    {
        (_cache, _keys, Views, Shape) = (cache, keys, views, shape);
    }

    /// <summary>Views per image (2 with mirror images).</summary>
    public int Views { get; }

    /// <summary>One view's map: channels, height, width.</summary>
    public int[] Shape { get; }

    /// <summary>Floats in one view's map.</summary>
    public int Floats => Shape[0] * Shape[1] * Shape[2];

    /// <summary>Whether image <paramref name="index"/> has its maps.</summary>
    public bool Has(int index) => _keys[index] is not null;

    /// <summary>
    /// Maps at <paramref name="boundary"/> for the images at <paramref name="paths"/> whose bytes hash to
    /// <paramref name="hashes"/> (the frozen run's; null: skipped there, so skipped here): read from the cache (each
    /// entry checked, a damaged one computed again), computed for the rest.
    /// </summary>
    /// <exception cref="NotSupportedException">The maps exceed float16's range (a boundary before any normalisation);
    /// the message names the boundary and the value.</exception>
    public static async Task<StageMaps> ComputeAsync(
        BackboneSpec backbone, string boundary, FeaturizerOptions options, string cacheDirectory,
        IReadOnlyList<string> paths, IReadOnlyList<string?> hashes, ILogger logger, CancellationToken cancellationToken)
    {
        var spec = new BackboneSpec(backbone) { FeatureNode = boundary, Pooling = FeaturePooling.None, FeatureSize = null };
        options = new FeaturizerOptions(options) { CacheDirectory = null, Int8 = null };
        var shape = MapShape(spec, options, paths.Where((_, i) => hashes[i] is not null).First(), logger);
        using var featurizer = BottleneckFeaturizer.Create(spec, options, logger);
        var cache = new FeatureCache(cacheDirectory, featurizer.Fingerprint + "|float16", half: true);
        var views = featurizer.Views;
        var keys = hashes.ToArray();
        var check = new float[featurizer.FeatureSize * views]; // each cached entry is read once, to check it
        var missing = Enumerable.Range(0, paths.Count)
            .Where(i => keys[i] is { } key && !cache.TryRead(key, check)).ToArray();
        logger.LogInformation("Fine-tuning maps at {Boundary}: {Cached} cached, {Missing} to compute",
            boundary, keys.Count(k => k is not null) - missing.Length, missing.Length);
        var done = 0;
        foreach (var chunk in missing.Chunk(Chunk))
        {
            var result = await featurizer.FeaturizeAsync(
                [.. chunk.Select(i => paths[i])], cancellationToken: cancellationToken).ConfigureAwait(false);
            for (var k = 0; k < chunk.Length; k++)
            {
                // A file that changed since the frozen pass (or no longer decodes) has no map under its old key.
                if (result.Features[k] is null || result.ContentHashes?[k] != keys[chunk[k]])
                {
                    keys[chunk[k]] = null;
                    continue;
                }
                var maps = result.Views(k);
                var largest = System.Numerics.Tensors.TensorPrimitives.MaxMagnitude(maps);
                if (!(Math.Abs(largest) <= (float)Half.MaxValue))
                    throw new NotSupportedException($"The maps at '{boundary}' reach {largest} on '{paths[chunk[k]]}', " +
                        "beyond the float16 range they are cached in: choose a boundary after a normalisation or an " +
                        "activation (FineTuningOptions.Boundary).");
                cache.Put(keys[chunk[k]]!, maps);
            }
            done += chunk.Length;
            logger.LogInformation("Fine-tuning maps: {Done} of {Count} computed", done, missing.Length);
        }
        if (shape[0] * shape[1] * shape[2] != featurizer.FeatureSize)
            throw new InvalidDataException($"The map at '{boundary}' is [{string.Join(", ", shape)}] for one image, but " +
                $"the featurizer gives {featurizer.FeatureSize} values.");
        return new StageMaps(cache, keys, views, shape);
    }

    /// <summary>The boundary map's channels, height and width, as ONNX Runtime gives them for one image.</summary>
    private static int[] MapShape(BackboneSpec spec, FeaturizerOptions options, string image, ILogger logger)
    {
        using var probe = BottleneckFeaturizer.Create(
            new BackboneSpec(spec) { Pooling = FeaturePooling.GlobalAverage }, options, logger);
        var (_, _, shape) = probe.FeaturizeWithMap(File.ReadAllBytes(image));
        return shape[1..];
    }

    /// <summary>Writes view <paramref name="view"/> of image <paramref name="index"/>'s map into
    /// <paramref name="destination"/> (<see cref="Floats"/> long).</summary>
    /// <exception cref="InvalidDataException">The cache entry is gone or damaged since it was written.</exception>
    public void Read(int index, int view, Span<float> destination)
    {
        var key = _keys[index] ?? throw new InvalidOperationException($"Image {index} has no map.");
        if (Views == 1)
        {
            if (!_cache.TryRead(key, destination[..Floats])) throw Gone(key);
            return;
        }
        var views = System.Buffers.ArrayPool<float>.Shared.Rent(Floats * Views);
        try
        {
            if (!_cache.TryRead(key, views.AsSpan(0, Floats * Views))) throw Gone(key);
            views.AsSpan(view * Floats, Floats).CopyTo(destination);
        }
        finally
        {
            System.Buffers.ArrayPool<float>.Shared.Return(views);
        }
    }

    private InvalidDataException Gone(string key) => new(
        $"The fine-tuning map cache entry '{_cache.EntryPath(key)}' was removed or damaged while training; run again " +
        "to recompute it.");
}
