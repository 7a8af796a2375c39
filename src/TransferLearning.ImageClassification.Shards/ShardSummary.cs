using TransferLearning.ImageClassification.Data;

namespace TransferLearning.ImageClassification.Shards;

/// <summary>What <see cref="FeatureShards.WriteAsync"/> wrote.</summary>
public sealed class ShardSummary
{
    internal ShardSummary(
        string path,
        int owned,
        int written,
        IReadOnlyList<SkippedImage> skipped,
        int computed,
        int fromCache,
        TimeSpan elapsed)
    {
        Path = path;
        Owned = owned;
        Written = written;
        Skipped = skipped;
        Computed = computed;
        FromCache = fromCache;
        Elapsed = elapsed;
    }

    /// <summary>The shard file.</summary>
    public string Path { get; }

    /// <summary>Images of the folder this shard owns.</summary>
    public int Owned { get; }

    /// <summary>Rows written: the owned images that could be used.</summary>
    public int Written { get; }

    /// <summary>Owned images left out, with paths relative to the data folder and the reason.</summary>
    public IReadOnlyList<SkippedImage> Skipped { get; }

    /// <summary>Images run through the backbone.</summary>
    public int Computed { get; }

    /// <summary>Images whose features came from the feature cache.</summary>
    public int FromCache { get; }

    /// <summary>Featurizing time.</summary>
    public TimeSpan Elapsed { get; }
}
