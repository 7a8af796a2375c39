using Microsoft.Extensions.Logging;
using Microsoft.ML;
using Microsoft.ML.Data;
using TransferLearning.ImageClassification.Features;

namespace TransferLearning.ImageClassification.MLNet;

/// <summary>
/// Adds a bottleneck-features column (a vector of <see cref="BottleneckFeaturizer.FeatureSize"/> floats) computed from
/// an image column: paths, encoded bytes or ML.NET's decoded images (see
/// <see cref="BottleneckCatalogExtensions.FeaturizeImages"/>). It featurizes a whole data view at once, in batches, so it is not a row-to-row mapper, and it
/// is not saved into ML.NET model zips: save the trained pipeline's other parts, or use <c>TransferClassifier</c>.
/// </summary>
public sealed class BottleneckFeaturizingTransformer : ITransformer, IDisposable
{
    private readonly BottleneckFeaturizer _featurizer;

    private readonly ILogger _logger;

    internal BottleneckFeaturizingTransformer(
        BottleneckFeaturizer featurizer, string outputColumnName, string inputColumnName, ILogger logger)
    {
        _logger = logger;
        _featurizer = featurizer;
        OutputColumnName = outputColumnName;
        InputColumnName = inputColumnName;
    }

    /// <summary>Name of the features column it adds.</summary>
    public string OutputColumnName { get; }

    /// <summary>Name of the image column: paths, encoded bytes or ML.NET images.</summary>
    public string InputColumnName { get; }

    /// <summary>Not a row-to-row mapper: it featurizes whole data views in batches.</summary>
    bool ITransformer.IsRowToRowMapper => false;

    /// <inheritdoc />
    public DataViewSchema GetOutputSchema(DataViewSchema inputSchema)
    {
        ArgumentNullException.ThrowIfNull(inputSchema);
        ImageColumn.Find(inputSchema, InputColumnName);
        return OutputSchema(inputSchema, OutputColumnName, _featurizer.FeatureSize);
    }

    /// <inheritdoc />
    public IDataView Transform(IDataView input)
    {
        ArgumentNullException.ThrowIfNull(input);
        return new ImageFeaturesDataView(input, InputColumnName, OutputColumnName, _featurizer, _logger);
    }

    IRowToRowMapper ITransformer.GetRowToRowMapper(DataViewSchema inputSchema) =>
        throw new NotSupportedException(
            "Bottleneck featurization runs over a whole data view in batches; call Transform.");

    void ICanSaveModel.Save(ModelSaveContext ctx) =>
        throw new NotSupportedException("The bottleneck featurizer is not saved in ML.NET model files; save a " +
            "TransferClassifier instead, or re-create the estimator when loading.");

    /// <inheritdoc />
    public void Dispose() => _featurizer.Dispose();

    internal static DataViewSchema OutputSchema(DataViewSchema input, string outputColumnName, int featureSize)
    {
        var builder = new DataViewSchema.Builder();
        builder.AddColumns(input);
        builder.AddColumn(outputColumnName, new VectorDataViewType(NumberDataViewType.Single, featureSize));
        return builder.ToSchema();
    }
}
