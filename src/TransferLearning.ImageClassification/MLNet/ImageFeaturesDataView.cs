using Microsoft.Extensions.Logging;
using Microsoft.ML;
using Microsoft.ML.Data;
using TransferLearning.ImageClassification.Data;
using TransferLearning.ImageClassification.Features;

namespace TransferLearning.ImageClassification.MLNet;

/// <summary>
/// The input data plus a column of bottleneck features, one vector per row, looked up by the row's image path.
/// All distinct paths are featurized in batches (and cached) the first time a cursor needs the features column.
/// Rows whose image could not be used get a vector of NaN — ML.NET's missing value, which its trainers skip —
/// and are logged as warnings and listed in <see cref="Skipped"/>.
/// </summary>
internal sealed class ImageFeaturesDataView : IDataView
{
    private readonly IDataView _source;
    private readonly DataViewSchema.Column _pathColumn;
    private readonly BottleneckFeaturizer _featurizer;
    private readonly Lazy<(Dictionary<string, float[]> Features, IReadOnlyList<SkippedImage> Skipped)> _computed;

    private readonly ILogger _logger;

    internal ImageFeaturesDataView(
        IDataView source, DataViewSchema.Column pathColumn, string outputColumnName, BottleneckFeaturizer featurizer,
        ILogger logger)
    {
        _logger = logger;
        _source = source;
        _pathColumn = pathColumn;
        _featurizer = featurizer;
        Schema = BottleneckFeaturizingTransformer.OutputSchema(source.Schema, outputColumnName, featurizer.FeatureSize);
        _computed = new Lazy<(Dictionary<string, float[]>, IReadOnlyList<SkippedImage>)>(Featurize);
    }

    /// <inheritdoc />
    public DataViewSchema Schema { get; }

    /// <inheritdoc />
    public bool CanShuffle => _source.CanShuffle;

    /// <summary>Images that could not be used (featurizes if that has not happened yet).</summary>
    public IReadOnlyList<SkippedImage> Skipped => _computed.Value.Skipped;

    /// <inheritdoc />
    public long? GetRowCount() => _source.GetRowCount();

    /// <inheritdoc />
    public DataViewRowCursor GetRowCursor(IEnumerable<DataViewSchema.Column> columnsNeeded, Random? rand = null)
    {
        var needed = columnsNeeded.ToArray();
        var featuresNeeded = needed.Any(c => c.Index == Schema.Count - 1);
        var sourceColumns = needed.Where(c => c.Index < _source.Schema.Count).Select(c => _source.Schema[c.Index]);
        if (featuresNeeded) sourceColumns = sourceColumns.Append(_pathColumn);
        var cursor = _source.GetRowCursor(sourceColumns.Distinct(), rand);
        return new Cursor(this, cursor, featuresNeeded ? _computed.Value.Features : null);
    }

    /// <inheritdoc />
    public DataViewRowCursor[] GetRowCursorSet(
        IEnumerable<DataViewSchema.Column> columnsNeeded, int n, Random? rand = null) =>
        [GetRowCursor(columnsNeeded, rand)];

    private (Dictionary<string, float[]>, IReadOnlyList<SkippedImage>) Featurize()
    {
        var paths = new HashSet<string>(StringComparer.Ordinal);
        using (var cursor = _source.GetRowCursor([_pathColumn]))
        {
            var getter = cursor.GetGetter<ReadOnlyMemory<char>>(_pathColumn);
            var path = default(ReadOnlyMemory<char>);
            while (cursor.MoveNext())
            {
                getter(ref path);
                paths.Add(path.ToString());
            }
        }
        var ordered = paths.ToArray();
        // ML.NET's pipeline API is synchronous; nothing here captures a synchronisation context.
        var result = _featurizer.FeaturizeAsync(ordered).GetAwaiter().GetResult();
        var missing = Enumerable.Repeat(float.NaN, _featurizer.FeatureSize).ToArray();
        var features = ordered.Select((p, i) => (p, f: result.Features[i] ?? missing))
            .ToDictionary(x => x.p, x => x.f, StringComparer.Ordinal);
        foreach (var skipped in result.Skipped)
            _logger.LogWarning("Skipped {Path}: {Reason}", skipped.Path, skipped.Reason);
        return (features, result.Skipped);
    }

    private sealed class Cursor(ImageFeaturesDataView parent, DataViewRowCursor source,
        Dictionary<string, float[]>? features) : DataViewRowCursor
    {
        private readonly ValueGetter<ReadOnlyMemory<char>>? _path =
            features is null ? null : source.GetGetter<ReadOnlyMemory<char>>(parent._pathColumn);

        public override DataViewSchema Schema => parent.Schema;

        public override long Position => source.Position;

        public override long Batch => source.Batch;

        public override ValueGetter<DataViewRowId> GetIdGetter() => source.GetIdGetter();

        public override bool IsColumnActive(DataViewSchema.Column column) =>
            column.Index < source.Schema.Count ? source.IsColumnActive(source.Schema[column.Index])
                : features is not null;

        public override ValueGetter<TValue> GetGetter<TValue>(DataViewSchema.Column column)
        {
            if (column.Index < source.Schema.Count) return source.GetGetter<TValue>(source.Schema[column.Index]);
            if (features is null) throw new InvalidOperationException(
                $"Column '{column.Name}' was not requested when the cursor was made.");
            if (typeof(TValue) != typeof(VBuffer<float>)) throw new InvalidOperationException(
                $"Column '{column.Name}' holds VBuffer<float>, not {typeof(TValue).Name}.");
            var path = default(ReadOnlyMemory<char>);
            ValueGetter<VBuffer<float>> getter = (ref VBuffer<float> value) =>
            {
                _path!(ref path);
                var vector = features[path.ToString()];
                var editor = VBufferEditor.Create(ref value, vector.Length);
                vector.CopyTo(editor.Values);
                value = editor.Commit();
            };
            return (ValueGetter<TValue>)(Delegate)getter;
        }

        public override bool MoveNext() => source.MoveNext();

        protected override void Dispose(bool disposing)
        {
            if (disposing) source.Dispose();
            base.Dispose(disposing);
        }
    }
}
