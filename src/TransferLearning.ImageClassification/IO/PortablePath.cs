namespace TransferLearning.ImageClassification.IO;

/// <summary>Paths written into files and reports, the same on every OS and machine.</summary>
internal static class PortablePath
{
    /// <summary>'/'-separated path of <paramref name="path"/> under <paramref name="root"/>.</summary>
    public static string Relative(string root, string path) =>
        Path.GetRelativePath(root, path).Replace(Path.DirectorySeparatorChar, '/');
}
