namespace TransferLearning.ImageClassification.Hosting;

/// <summary>The model a service is answering with.</summary>
/// <param name="Path">Its file.</param>
/// <param name="Classes">Class names, in score order.</param>
/// <param name="Backbone">The backbone's name.</param>
/// <param name="BackboneSha256">SHA-256 of the backbone's ONNX file.</param>
/// <param name="InputSize">The backbone's input size, e.g. "224x224".</param>
/// <param name="LoadedAt">When it was loaded.</param>
public sealed record ServedModel(string Path, IReadOnlyList<string> Classes, string Backbone, string BackboneSha256,
    string InputSize, DateTimeOffset LoadedAt);
