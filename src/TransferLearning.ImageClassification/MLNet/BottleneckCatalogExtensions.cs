using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.ML;
using TransferLearning.ImageClassification.Backbones;
using TransferLearning.ImageClassification.Features;

namespace TransferLearning.ImageClassification.MLNet;

/// <summary>Entry points on <see cref="MLContext"/> catalogues.</summary>
public static class BottleneckCatalogExtensions
{
    /// <summary>
    /// <c>mlContext.Transforms.FeaturizeImages("Features", "ImagePath")</c>: bottleneck features of images, from a
    /// frozen backbone (default ResNet18), batched. The input column holds image file paths (text; decoded by the
    /// library and cached, as <see cref="BottleneckFeaturizer.FeaturizeAsync"/> does), encoded image bytes (a byte
    /// vector, as <c>LoadRawImageBytes</c> gives; decoded by the library) or images ML.NET has decoded
    /// (<c>MLImage</c>, from <c>LoadImages</c> and its transforms: their pixels as they are, not turned upright by the
    /// EXIF orientation). Either way the library resizes and normalises each image itself, as the backbone expects.
    /// </summary>
    /// <param name="catalog">The transforms catalogue.</param>
    /// <param name="outputColumnName">Name of the new features column.</param>
    /// <param name="inputColumnName">The image column: text paths, a byte vector or an <c>MLImage</c>.</param>
    /// <param name="backbone">The backbone (default <see cref="BackboneCatalog.ResNet18"/>).</param>
    /// <param name="options">Batch size, cache folder, threads, model store.</param>
    /// <param name="logger">
    /// Receives a warning for each image that cannot be used (its row gets missing values, NaN, which ML.NET trainers
    /// skip and <c>mlContext.Data.FilterRowsByMissingValues</c> drops).
    /// </param>
    public static BottleneckFeaturizingEstimator FeaturizeImages(
        this TransformsCatalog catalog,
        string outputColumnName,
        string inputColumnName,
        BackboneSpec? backbone = null,
        FeaturizerOptions? options = null,
        ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        return new BottleneckFeaturizingEstimator(outputColumnName, inputColumnName, backbone
            ?? BackboneCatalog.ResNet18, options ?? new FeaturizerOptions(),
            logger ?? NullLogger.Instance);
    }
}
