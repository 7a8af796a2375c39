using TransferLearning.ImageClassification.Data;

namespace TransferLearning.ImageClassification.Datasets;

/// <summary>A downloaded, checked and extracted dataset.</summary>
/// <param name="Folder">The image folder: one sub-folder per class, ready for <see cref="TransferClassifierBuilder.WithImages(string)"/>.</param>
/// <param name="Archive">The downloaded archive (kept: a rerun extracts it again without downloading).</param>
/// <param name="Sha256">The archive's SHA-256.</param>
/// <param name="PinnedNow">True when no hash was known and this download's was written to <paramref name="LockFile"/>.</param>
/// <param name="LockFile">The lock file beside the data holding the pinned hash.</param>
/// <param name="ImagesPerClass">Files extracted per class.</param>
/// <param name="LeftOut">Archive entries not extracted (Thumbs.db, non-images, unsafe names), with reasons.</param>
/// <param name="Undecodable">Extracted files the decoder cannot read, with reasons: training will skip these.</param>
public sealed record DatasetDownloadResult(
    string Folder, string Archive, string Sha256, bool PinnedNow, string LockFile,
    IReadOnlyDictionary<string, int> ImagesPerClass, IReadOnlyList<SkippedImage> LeftOut, IReadOnlyList<SkippedImage> Undecodable);
