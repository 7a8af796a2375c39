using ScottPlot;

namespace TransferLearning.ImageClassification.Plots;

/// <summary>Writes plots as PNG files, creating the folder and replacing the file atomically.</summary>
public static class PlotFile
{
    /// <summary>Saves <paramref name="plot"/> as a <paramref name="width"/> × <paramref name="height"/> PNG at
    /// <paramref name="path"/>.</summary>
    public static string SavePng(Plot plot, string path, int width = 800, int height = 600) =>
        Write(path, temporary => plot.SavePng(temporary, width, height));

    /// <summary>Saves a multi-panel figure as a <paramref name="width"/> × <paramref name="height"/> PNG at
    /// <paramref name="path"/>.</summary>
    public static string SavePng(Multiplot figure, string path, int width = 800, int height = 900) =>
        Write(path, temporary => figure.SavePng(temporary, width, height));

    private static string Write(string path, Action<string> save)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        var full = Path.GetFullPath(path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        var temporary = Path.Combine(Path.GetDirectoryName(full)!, $".{Path.GetFileName(full)}.{Guid.NewGuid():N}.png");
        save(temporary);
        File.Move(temporary, full, overwrite: true);
        return full;
    }
}
