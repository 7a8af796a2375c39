namespace TransferLearning.ImageClassification.Preprocessing;

/// <summary>Reads encoded images from files and streams without ever holding more than
/// <see cref="ImageLimits.MaxFileBytes"/>.</summary>
internal static class ImageFile
{
    /// <exception cref="ImageDecodeException">The file is larger than the limit.</exception>
    /// <exception cref="IOException">The file cannot be read.</exception>
    public static async Task<byte[]> ReadAsync(string path, ImageLimits limits, CancellationToken cancellationToken)
    {
        await using var stream = new FileStream(
            path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1, useAsync: true);
        var length = stream.Length;
        if (length > limits.MaxFileBytes) throw TooLarge(length, limits);
        var bytes = new byte[length];
        await stream.ReadExactlyAsync(bytes, cancellationToken).ConfigureAwait(false);
        return bytes;
    }

    /// <summary>Reads <paramref name="stream"/> to its end, refusing it as soon as it passes the limit.</summary>
    /// <exception cref="ImageDecodeException">The stream holds more than the limit.</exception>
    public static async Task<byte[]> ReadAsync(Stream stream, ImageLimits limits, CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int read;
        while ((read = await stream.ReadAsync(chunk, cancellationToken).ConfigureAwait(false)) > 0)
        {
            if (buffer.Length + read > limits.MaxFileBytes) throw TooLarge(buffer.Length + read, limits, atLeast: true);
            buffer.Write(chunk, 0, read);
        }
        return buffer.ToArray();
    }

    private static ImageDecodeException TooLarge(long length, ImageLimits limits, bool atLeast = false) =>
        new($"file is {(atLeast ? "over " : "")}{Megabytes(length)}, over the {Megabytes(limits.MaxFileBytes)} limit " +
            "(ImageLimits.MaxFileBytes)");

    private static string Megabytes(long bytes) => bytes >= 1 << 20 ? $"{bytes / (double)(1 << 20):0.#} MiB"
        : $"{bytes} bytes";
}
