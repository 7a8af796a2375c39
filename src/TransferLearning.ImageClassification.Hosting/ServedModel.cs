namespace TransferLearning.ImageClassification.Hosting;

/// <summary>The model a service is answering with.</summary>
public sealed class ServedModel
{
    internal ServedModel(string path, IReadOnlyList<string> classes, string backbone, string backboneSha256,
        string inputSize, DateTimeOffset loadedAt)
    {
        Path = path;
        Classes = classes;
        Backbone = backbone;
        BackboneSha256 = backboneSha256;
        InputSize = inputSize;
        LoadedAt = loadedAt;
    }

    /// <summary>Its file.</summary>
    public string Path { get; }

    /// <summary>Class names, in score order.</summary>
    public IReadOnlyList<string> Classes { get; }

    /// <summary>The backbone's name.</summary>
    public string Backbone { get; }

    /// <summary>SHA-256 of the backbone's ONNX file.</summary>
    public string BackboneSha256 { get; }

    /// <summary>The backbone's input size, e.g. "224x224".</summary>
    public string InputSize { get; }

    /// <summary>When it was loaded.</summary>
    public DateTimeOffset LoadedAt { get; }
}
