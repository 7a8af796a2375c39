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
    /// <paramref name="hashes"/> (the frozen run's; null: skipped there, so skipped here): read from the cache, computed
    /// for the rest.
    /// </summary>
    public static async Task<StageMaps> ComputeAsync(
        BackboneSpec backbone, string boundary, int channels, FeaturizerOptions options, string cacheDirectory,
        IReadOnlyList<string> paths, IReadOnlyList<string?> hashes, ILogger logger, CancellationToken cancellationToken)
    {
        var spec = new BackboneSpec(backbone) { FeatureNode = boundary, Pooling = FeaturePooling.None, FeatureSize = null };
        using var featurizer = BottleneckFeaturizer.Create(
            spec, new FeaturizerOptions(options) { CacheDirectory = null, Int8 = null }, logger);
        var cache = new FeatureCache(cacheDirectory, featurizer.Fingerprint + "|float16", half: true);
        var views = featurizer.Views;
        var size = featurizer.FeatureSize * views;
        var keys = hashes.ToArray();
        var missing = Enumerable.Range(0, paths.Count)
            .Where(i => keys[i] is { } key && !File.Exists(cache.EntryPath(key))).ToArray();
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
                if (result.Features[k] is null || result.ContentHashes?[k] != keys[chunk[k]]) keys[chunk[k]] = null;
                else cache.Put(keys[chunk[k]]!, result.Views(k));
            }
            done += chunk.Length;
            logger.LogInformation("Fine-tuning maps: {Done} of {Count} computed", done, missing.Length);
        }
        return new StageMaps(cache, keys, views, MapShape(featurizer.FeatureSize, channels, backbone.InputSize));
    }

    /// <summary>Writes view <paramref name="view"/> of image <paramref name="index"/>'s map into
    /// <paramref name="destination"/> (<see cref="Floats"/> long).</summary>
    /// <exception cref="InvalidDataException">The cache entry is gone or damaged since it was written.</exception>
    public void Read(int index, int view, Span<float> destination)
    {
        if (!_cache.TryGet(_keys[index] ?? throw new InvalidOperationException($"Image {index} has no map."),
            Floats * Views, out var views))
            throw new InvalidDataException(
                $"The fine-tuning map cache entry '{_cache.EntryPath(_keys[index]!)}' was removed or damaged while " +
                "training; run again to recompute it.");
        views.AsSpan(view * Floats, Floats).CopyTo(destination);
    }

    /// <summary>Channels, height and width of a flattened map of <paramref name="floats"/> values: the height and width
    /// whose ratio is nearest the input's.</summary>
    private static int[] MapShape(int floats, int channels, Preprocessing.ImageSize input)
    {
        if (channels < 1 || floats % channels != 0)
            throw new InvalidDataException($"A boundary map of {floats} values does not hold {channels} channels.");
        var cells = floats / channels;
        var aspect = input.Width / (double)input.Height;
        var height = Enumerable.Range(1, cells).Where(h => cells % h == 0)
            .MinBy(h => Math.Abs(Math.Log(cells / (double)h / h / aspect)));
        return [channels, height, cells / height];
    }
}
