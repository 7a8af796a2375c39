using TransferLearning.ImageClassification.IO;

namespace TransferLearning.ImageClassification.Backbones;

/// <summary>Where a backbone's ONNX file lives: its own path, or its download's file name in the models
/// folder.</summary>
internal static class BackboneFile
{
    /// <summary>The file's path; <paramref name="modelDirectory"/> null means the default models folder.</summary>
    /// <exception cref="ArgumentException">The specification has neither a local path nor a download.</exception>
    public static string PathOf(BackboneSpec backbone, string? modelDirectory)
    {
        ArgumentNullException.ThrowIfNull(backbone);
        return backbone.ModelPath
            ?? (backbone.Download is { } download
                ? Path.Combine(modelDirectory ?? CacheFolders.Models, download.FileName)
                : throw new ArgumentException(
                    $"Backbone '{backbone.Name}' has neither a ModelPath nor a Download.", nameof(backbone)));
    }
}
