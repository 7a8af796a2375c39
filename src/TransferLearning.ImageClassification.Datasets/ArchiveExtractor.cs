using System.IO.Compression;
using TransferLearning.ImageClassification.Data;

namespace TransferLearning.ImageClassification.Datasets;

/// <summary>
/// Extracts the entries of a zip that a rule accepts, one stream at a time, into a folder that appears only when
/// every entry is written (a killed run leaves a <c>.partial</c> folder that the next run replaces). An entry can
/// only land where the rule puts it: names with <c>..</c>, rooted names and anything resolving outside the folder are
/// refused, and no entry is read beyond the size it declares.
/// </summary>
internal static class ArchiveExtractor
{
    /// <summary>Largest entry extracted; a photo is a few MB, a bigger entry is not one.</summary>
    public const long MaxEntryBytes = 64L << 20;

    /// <param name="zipPath">The archive.</param>
    /// <param name="target">The folder to create.</param>
    /// <param name="place">An entry's '/'-separated name → its path relative to <paramref name="target"/>, or the
    /// reason to leave it out.</param>
    /// <param name="cancellationToken">Checked between entries.</param>
    /// <returns>The entries left out, with reasons.</returns>
    public static IReadOnlyList<SkippedImage> Extract(
        string zipPath, string target, Func<string, (string? Path, string? Skip)> place,
        CancellationToken cancellationToken)
    {
        var root = Path.GetFullPath(target);
        var partial = root + ".partial";
        if (Directory.Exists(partial)) Directory.Delete(partial, recursive: true);
        Directory.CreateDirectory(partial);
        var leftOut = new List<SkippedImage>();
        using (var archive = ZipFile.OpenRead(zipPath))
            foreach (var entry in archive.Entries)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var name = entry.FullName.Replace('\\', '/');
                if (name.EndsWith('/')) continue; // a folder
                if (Unsafe(name)) { leftOut
                    .Add(new SkippedImage(name, "refused: the name leads outside the dataset folder")); continue; }
                var (relative, skip) = place(name);
                if (relative is null) { leftOut
                    .Add(new SkippedImage(name, skip ?? "not part of the dataset")); continue; }
                if (entry.Length > MaxEntryBytes) { leftOut
                    .Add(new SkippedImage(name, $"{entry.Length:N0} bytes, more than {MaxEntryBytes:N0}")); continue; }
                var destination = Path.GetFullPath(Path.Combine(partial, relative));
                if (!destination.StartsWith(partial + Path.DirectorySeparatorChar, StringComparison.Ordinal))
                {
                    leftOut.Add(new SkippedImage(name, "refused: the name leads outside the dataset folder"));
                    continue;
                }
                Directory.CreateDirectory(Path.GetDirectoryName(destination)!);
                using var input = entry.Open(); // .NET reads no further than the entry's declared size
                using var output = new FileStream(destination, FileMode.CreateNew, FileAccess.Write);
                input.CopyTo(output);
            }
        Directory.Move(partial, root);
        return leftOut;
    }

    private static bool Unsafe(string name) =>
        name.StartsWith('/') || name.Contains(':') || name.Split('/').Any(part => part is ".." or ".");
}
