using Microsoft.Extensions.Logging;
using Microsoft.ML;
using Microsoft.ML.Data;
using TransferLearning.ImageClassification.Backbones;
using TransferLearning.ImageClassification.Features;

namespace TransferLearning.ImageClassification.MLNet;

/// <summary>
/// ML.NET estimator for bottleneck features: images in (paths, encoded bytes or ML.NET's decoded images), a float
/// vector per image out, ready for any ML.NET trainer. Made by <see cref="BottleneckCatalogExtensions.FeaturizeImages"/>; nothing is learned, Fit loads the
/// backbone.
/// </summary>
public sealed class BottleneckFeaturizingEstimator : IEstimator<BottleneckFeaturizingTransformer>
{
    private readonly string _outputColumnName;
    private readonly string _inputColumnName;
    private readonly BackboneSpec _backbone;
    private readonly FeaturizerOptions _options;
    private readonly Lazy<int> _featureSize;
    private readonly ILogger _logger;

    internal BottleneckFeaturizingEstimator(string outputColumnName, string inputColumnName, BackboneSpec backbone,
        FeaturizerOptions options, ILogger logger)
    {
        _logger = logger;
        ArgumentException.ThrowIfNullOrWhiteSpace(outputColumnName);
        ArgumentException.ThrowIfNullOrWhiteSpace(inputColumnName);
        options.Validate();
        (_outputColumnName, _inputColumnName, _backbone, _options) = (
            outputColumnName, inputColumnName, backbone, options);
        // A specification without a feature size ("auto" cut) is measured once by loading the network.
        _featureSize = new(() => backbone.FeatureSize ?? MeasureFeatureSize(backbone, options));
    }

    private static int MeasureFeatureSize(BackboneSpec backbone, FeaturizerOptions options)
    {
        EnsureDownloaded(backbone, options);
        using var runner = BackboneRunner.Load(
            backbone, options.InferenceThreads, modelDirectory: options.Models.Options.Directory);
        return runner.FeatureSize;
    }

    /// <inheritdoc />
    public BottleneckFeaturizingTransformer Fit(IDataView input)
    {
        ArgumentNullException.ThrowIfNull(input);
        ImageColumn.Find(input.Schema, _inputColumnName);
        EnsureDownloaded(_backbone, _options);
        return new BottleneckFeaturizingTransformer(
            BottleneckFeaturizer.Create(_backbone, _options, _logger), _outputColumnName, _inputColumnName,
            _logger);
    }

    /// <summary>ML.NET's Fit is synchronous, so a catalogue backbone is downloaded (once, verified) synchronously
    /// here.</summary>
    private static void EnsureDownloaded(BackboneSpec backbone, FeaturizerOptions options) =>
        options.Models.EnsureAsync(backbone).GetAwaiter().GetResult();

    // ML.NET keeps SchemaShape.Create(DataViewSchema) and SchemaShape.Column's constructor internal ("best friend"
    // assemblies only), yet an estimator must return a shape with its new column: call that one method by reflection,
    // looked up on first use so that a renamed method fails this call with a clear message, not the type's loading.
    private static readonly Lazy<Func<DataViewSchema, SchemaShape>> ShapeOfSchema = new(() =>
        typeof(SchemaShape).GetMethod("Create",
            System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Static, [typeof(DataViewSchema)])
            ?.CreateDelegate<Func<DataViewSchema, SchemaShape>>()
        ?? throw new NotSupportedException(
            $"This ML.NET ({typeof(SchemaShape).Assembly.GetName().Version}) has no internal " +
            "SchemaShape.Create(DataViewSchema), which " +
            "GetOutputSchema needs; use the ML.NET version this library was built with (6.0.x)."));

    /// <summary>ML.NET's own shape of a schema.</summary>
    internal static SchemaShape ShapeOf(DataViewSchema schema) => ShapeOfSchema.Value(schema);

    /// <inheritdoc />
    public SchemaShape GetOutputSchema(SchemaShape inputSchema)
    {
        ArgumentNullException.ThrowIfNull(inputSchema);
        ImageColumn.Check(inputSchema, _inputColumnName);
        var builder = new DataViewSchema.Builder();
        builder.AddColumn(_outputColumnName, new VectorDataViewType(NumberDataViewType.Single, _featureSize.Value));
        return new SchemaShape(
            inputSchema.Where(c => c.Name != _outputColumnName).Append(ShapeOf(builder.ToSchema()).Single()));
    }
}
