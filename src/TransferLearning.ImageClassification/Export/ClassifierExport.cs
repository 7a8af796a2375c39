using TransferLearning.ImageClassification.Backbones;
using TransferLearning.ImageClassification.Classification;
using TransferLearning.ImageClassification.IO;

namespace TransferLearning.ImageClassification.Export;

/// <summary>Exports a <see cref="TransferClassifier"/> as one ONNX file.</summary>
public static class ClassifierExport
{
    /// <summary>
    /// Writes the whole classifier as one ONNX file (opset 18) that any ONNX runtime runs on raw pixels: input
    /// <c>image</c>, uint8 [N, H, W, 3] upright RGB of any size (apply the EXIF orientation first, as the library
    /// does); outputs <c>probabilities</c>, float [N, classes] in <see cref="TransferClassifier.Classes"/> order, and
    /// <c>label</c>, int64
    /// [N]. Resizing (the library's own filter, so the probabilities are <c>Predict</c>'s), normalisation, the
    /// backbone, the head and mirror-image averaging are inside; the metadata holds the classes (JSON), backbone,
    /// SHA-256 and input size.
    /// </summary>
    /// <exception cref="NotSupportedException">ML.NET's converter cannot convert the head's trainer, or the backbone
    /// uses an operator that cannot be lifted to opset 18.</exception>
    /// <exception cref="BackboneNotFoundException">The backbone file is gone.</exception>
    /// <exception cref="BackboneMismatchException">The backbone file changed since the classifier was
    /// loaded.</exception>
    public static void ExportOnnx(this TransferClassifier classifier, string path)
    {
        ArgumentNullException.ThrowIfNull(classifier);
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        var featurizer = classifier.Featurizer;
        // The file is read again (the session holds only the cut graph), pinned to the hash the classifier runs.
        var (bytes, _) = BackboneRunner.ReadModel(new BackboneSpec(classifier.Backbone) {
            Sha256 = classifier.BackboneSha256 }, featurizer.Options.Models.Options.Directory);
        var model = OnnxExporter.Build(
            classifier, bytes, featurizer.Preprocessor, featurizer.Views, featurizer.Options.Int8);
        AtomicFile.Write(path, stream => Google.Protobuf.MessageExtensions.WriteTo(model, stream));
    }
}
