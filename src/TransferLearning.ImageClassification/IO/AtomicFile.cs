namespace TransferLearning.ImageClassification.IO;

/// <summary>
/// Writes a file so that readers see the old content or the new, never a half: into <c>.NAME.tmp</c> beside it, then
/// renamed over it. The temporary name is fixed, so one left by a killed process is reused rather than piling up.
/// </summary>
internal static class AtomicFile
{
    public static void Write(string path, Action<Stream> write) =>
        WriteAsync(path, stream => { write(stream); return Task.CompletedTask; }, CancellationToken.None).GetAwaiter()
            .GetResult();

    public static async Task WriteAsync(string path, Func<Stream, Task> write, CancellationToken cancellationToken)
    {
        var full = Path.GetFullPath(path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        var temporary = TemporaryPath(full);
        try
        {
            // FileShare.None: a second writer of the same file fails at once instead of interleaving.
            await using (var stream = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None))
            {
                await write(stream).ConfigureAwait(false);
                cancellationToken.ThrowIfCancellationRequested();
                await stream.FlushAsync(cancellationToken).ConfigureAwait(false);
                stream.Flush(flushToDisk: true);
            }
            File.Move(temporary, full, overwrite: true);
        }
        catch
        {
            TryDelete(temporary);
            throw;
        }
    }

    /// <summary>
    /// Fails now, not after the long work, if <paramref name="path"/> could not be written: creates its folder and
    /// writes and deletes the temporary file beside it.
    /// </summary>
    /// <exception cref="IOException">It cannot; the message names <paramref name="what"/> and the path.</exception>
    public static void CheckWritable(string path, string what)
    {
        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
            var probe = TemporaryPath(path);
            using (File.Create(probe)) { }
            File.Delete(probe);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new IOException($"Cannot write {what} '{path}': {e.Message}", e);
        }
    }

    /// <summary>Where <paramref name="path"/> is written before the rename.</summary>
    public static string TemporaryPath(string path) =>
        Path.Combine(Path.GetDirectoryName(Path.GetFullPath(path))!, $".{Path.GetFileName(path)}.tmp");

    private static void TryDelete(string path)
    {
        try { File.Delete(path); }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
    }
}
