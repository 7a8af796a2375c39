using TransferLearning.ImageClassification.Data;

namespace TransferLearning.ImageClassification.Datasets;

/// <summary>A downloaded, checked and extracted dataset.</summary>
public sealed class DatasetDownloadResult
{
    internal DatasetDownloadResult(
        string folder,
        string archive,
        string sha256,
        bool pinnedNow,
        string lockFile,
        IReadOnlyDictionary<string, int> imagesPerClass,
        IReadOnlyList<SkippedImage> leftOut,
        IReadOnlyList<SkippedImage> undecodable)
    {
        Folder = folder;
        Archive = archive;
        Sha256 = sha256;
        PinnedNow = pinnedNow;
        LockFile = lockFile;
        ImagesPerClass = imagesPerClass;
        LeftOut = leftOut;
        Undecodable = undecodable;
    }

    /// <summary>The image folder: one sub-folder per class, ready for
    /// <see cref="TransferClassifierBuilder.WithImages(string)"/>.</summary>
    public string Folder { get; }

    /// <summary>The downloaded archive (kept: a rerun extracts it again without downloading).</summary>
    public string Archive { get; }

    /// <summary>The archive's SHA-256.</summary>
    public string Sha256 { get; }

    /// <summary>True when no hash was known and this download's was written to <see cref="LockFile"/>.</summary>
    public bool PinnedNow { get; }

    /// <summary>The lock file beside the data holding the pinned hash.</summary>
    public string LockFile { get; }

    /// <summary>Files extracted per class.</summary>
    public IReadOnlyDictionary<string, int> ImagesPerClass { get; }

    /// <summary>Archive entries not extracted (Thumbs.db, non-images, unsafe names), with reasons.</summary>
    public IReadOnlyList<SkippedImage> LeftOut { get; }

    /// <summary>Extracted files the decoder cannot read, with reasons: training will skip these.</summary>
    public IReadOnlyList<SkippedImage> Undecodable { get; }
}
