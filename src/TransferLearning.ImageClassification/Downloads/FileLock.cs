namespace TransferLearning.ImageClassification.Downloads;

/// <summary>
/// An exclusive lock between processes (and threads) on a lock file next to a download, so two runs asking for the
/// same model at once download it once. The OS releases it if the holder dies.
/// </summary>
internal sealed class FileLock : IDisposable
{
    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(100);
    private readonly FileStream _stream;

    private FileLock(FileStream stream) => _stream = stream;

    public static async Task<FileLock> AcquireAsync(string path, CancellationToken cancellationToken)
    {
        while (true)
        {
            try
            {
                return new FileLock(new FileStream(
                    path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, 1, FileOptions.DeleteOnClose));
            }
            catch (IOException) when (File.Exists(path))
            {
                await Task.Delay(Poll, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    public void Dispose() => _stream.Dispose();
}
