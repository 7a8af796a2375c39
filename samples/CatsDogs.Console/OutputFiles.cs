namespace CatsDogs.Console;

/// <summary>
/// Where a command writes, checked before any long work (a run must not featurize for an hour and then find that
/// --out is a file), and outputs that belong together (a model and its report) committed together: each is written
/// beside its target as <c>.NAME.new</c>, then all are renamed at the end, so a killed run leaves the old set or the
/// new set. The staged names are fixed, so a killed run's leftovers are overwritten by the next, not piled up.
/// </summary>
internal sealed class OutputFiles : IDisposable
{
    private readonly List<(string Staged, string Target)> _staged = [];

    /// <summary>Creates <paramref name="folder"/> if needed and checks a file can be written in it.</summary>
    /// <exception cref="IOException">
    /// It is a file, or cannot be created or written; the message names <paramref name="option"/>.
    /// </exception>
    public static void CheckFolder(DirectoryInfo folder, string option)
    {
        if (File.Exists(folder.FullName))
            throw new IOException($"{option} '{folder.FullName}' is a file; give a folder.");
        Probe(folder.FullName, option);
    }

    /// <summary>
    /// Checks <paramref name="path"/> can be written: not a folder, in a folder that exists or can be made, and
    /// writable.
    /// </summary>
    /// <exception cref="IOException">It cannot; the message names <paramref name="option"/>.</exception>
    public static void CheckFile(string path, string option)
    {
        if (Directory.Exists(path)) throw new IOException($"{option} '{path}' is a folder; give a file path.");
        Probe(Path.GetDirectoryName(Path.GetFullPath(path))!, option);
    }

    /// <summary>
    /// The path to write <paramref name="target"/>'s new content to; it replaces <paramref name="target"/> on
    /// <see cref="Commit"/>.
    /// </summary>
    public string Stage(string target)
    {
        var staged = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(target))!, $".{Path.GetFileName(target)}.new");
        _staged.Add((staged, target));
        return staged;
    }

    /// <summary>Renames every staged file over its target.</summary>
    public void Commit()
    {
        foreach (var (staged, target) in _staged) File.Move(staged, target, overwrite: true);
        _staged.Clear();
    }

    /// <summary>Removes staged files that were never committed.</summary>
    public void Dispose()
    {
        foreach (var (staged, _) in _staged)
        {
            try { File.Delete(staged); }
            catch (IOException) { }
        }
    }

    private static void Probe(string folder, string option)
    {
        try
        {
            Directory.CreateDirectory(folder);
            using var _ = new FileStream(
                Path.Combine(folder, $".write-test-{Guid.NewGuid():N}"), FileMode.CreateNew, FileAccess.Write,
                FileShare.None, 1, FileOptions.DeleteOnClose);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new IOException($"{option}: cannot write in '{folder}': {e.Message}", e);
        }
    }
}
