namespace TransferLearning.ImageClassification.Backbones;

/// <summary>Where a backbone's ONNX file is published: HTTPS address, size, and the name the model store keeps it under.</summary>
/// <param name="Url">HTTPS address of the file.</param>
/// <param name="Bytes">Exact size of the file.</param>
/// <param name="FileName">File name in the model store, e.g. "vgg16-7.onnx".</param>
internal sealed record ModelDownload(Uri Url, long Bytes, string FileName);
