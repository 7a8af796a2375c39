using Microsoft.Extensions.Logging;
using Microsoft.ML;
using Microsoft.ML.Data;
using TransferLearning.ImageClassification.Data;
using TransferLearning.ImageClassification.Features;
using TransferLearning.ImageClassification.Preprocessing;

namespace TransferLearning.ImageClassification.MLNet;

/// <summary>
/// The input data plus a column of bottleneck features, one vector per row, looked up by the row's id. The first time
/// a cursor needs the features column every row is featurized: image paths through the batched, cached file pipeline
/// (each distinct path once), encoded bytes and ML.NET's decoded images in batches as the rows are read. Rows whose
/// image could not be used get a vector of NaN — ML.NET's missing value, which its trainers skip — and are logged as
/// warnings and listed in <see cref="Skipped"/>.
/// </summary>
internal sealed class ImageFeaturesDataView : IDataView
{
    private readonly IDataView _source;
    private readonly DataViewSchema.Column _imageColumn;
    private readonly ImageColumnKind _kind;
    private readonly BottleneckFeaturizer _featurizer;
    private readonly ILogger _logger;
    private readonly Lazy<(Dictionary<DataViewRowId, float[]> Features, IReadOnlyList<SkippedImage> Skipped)> _computed;

    internal ImageFeaturesDataView(IDataView source, string imageColumnName, string outputColumnName,
        BottleneckFeaturizer featurizer, ILogger logger)
    {
        (_imageColumn, _kind) = ImageColumn.Find(source.Schema, imageColumnName);
        (_source, _featurizer, _logger) = (source, featurizer, logger);
        Schema = BottleneckFeaturizingTransformer.OutputSchema(source.Schema, outputColumnName, featurizer.FeatureSize);
        _computed = new(Featurize);
    }

    /// <inheritdoc />
    public DataViewSchema Schema { get; }

    /// <inheritdoc />
    public bool CanShuffle => _source.CanShuffle;

    /// <summary>Images that could not be used (featurizes if that has not happened yet): the path, or "row N" for
    /// bytes and decoded images.</summary>
    public IReadOnlyList<SkippedImage> Skipped => _computed.Value.Skipped;

    private Dictionary<DataViewRowId, float[]> Features => _computed.Value.Features;

    /// <inheritdoc />
    public long? GetRowCount() => _source.GetRowCount();

    /// <inheritdoc />
    public DataViewRowCursor GetRowCursor(IEnumerable<DataViewSchema.Column> columnsNeeded, Random? rand = null)
    {
        var needed = columnsNeeded.ToArray();
        var featuresNeeded = needed.Any(c => c.Index == Schema.Count - 1);
        var sourceColumns = needed.Where(c => c.Index < _source.Schema.Count).Select(c => _source.Schema[c.Index]);
        var cursor = _source.GetRowCursor(sourceColumns, rand);
        return new Cursor(this, cursor, featuresNeeded ? Features : null);
    }

    /// <inheritdoc />
    public DataViewRowCursor[] GetRowCursorSet(
        IEnumerable<DataViewSchema.Column> columnsNeeded, int n, Random? rand = null) =>
        [GetRowCursor(columnsNeeded, rand)];

    private (Dictionary<DataViewRowId, float[]>, IReadOnlyList<SkippedImage>) Featurize()
    {
        var features = new Dictionary<DataViewRowId, float[]>();
        var skipped = new List<SkippedImage>();
        var missing = Enumerable.Repeat(float.NaN, _featurizer.FeatureSize).ToArray();
        void Add(DataViewRowId id, float[]? vector) => features[id] = vector ?? missing;
        void Skip(string image, string reason)
        {
            skipped.Add(new SkippedImage(image, reason));
            _logger.LogWarning("Skipped {Image}: {Reason}", image, reason);
        }
        switch (_kind)
        {
            case ImageColumnKind.Path: FeaturizeFiles(Add, Skip); break;
            case ImageColumnKind.Bytes: FeaturizeRows(ReadBytes, _featurizer.TryFeaturizeEncoded, Add, Skip); break;
            default: FeaturizeRows(ReadImage, _featurizer.TryFeaturizePixels, Add, Skip); break;
        }
        return (features, skipped);
    }

    /// <summary>Each distinct path once, through the file pipeline (and its cache).</summary>
    private void FeaturizeFiles(Action<DataViewRowId, float[]?> add, Action<string, string> skip)
    {
        var rows = new List<(DataViewRowId Id, string Path)>();
        using (var cursor = _source.GetRowCursor([_imageColumn]))
        {
            var (id, path) = (cursor.GetIdGetter(), cursor.GetGetter<ReadOnlyMemory<char>>(_imageColumn));
            var (rowId, text) = (default(DataViewRowId), default(ReadOnlyMemory<char>));
            while (cursor.MoveNext())
            {
                id(ref rowId);
                path(ref text);
                rows.Add((rowId, text.ToString()));
            }
        }
        var paths = rows.Select(r => r.Path).Distinct(StringComparer.Ordinal).ToArray();
        // ML.NET's pipeline API is synchronous; nothing here captures a synchronisation context.
        var result = _featurizer.FeaturizeAsync(paths).GetAwaiter().GetResult();
        var byPath = paths.Select((p, i) => (p, i)).ToDictionary(x => x.p, x => result.Features[x.i]);
        foreach (var (id, path) in rows) add(id, byPath[path]);
        foreach (var image in result.Skipped) skip(image.Path, image.Reason);
    }

    /// <summary>Bytes or decoded images, <see cref="FeaturizerOptions.BatchSize"/> rows at a time as they are
    /// read; a row whose value cannot be read (e.g. ML.NET could not load the file) costs that row only.</summary>
    private void FeaturizeRows<T>(Func<DataViewRowCursor, DataViewSchema.Column, Func<T>> reader,
        Func<IReadOnlyList<T>, (float[]? Features, string? Error)[]> featurize,
        Action<DataViewRowId, float[]?> add, Action<string, string> skip)
    {
        var batch = new List<(DataViewRowId Id, string Row, T Image)>();
        void Flush()
        {
            var results = featurize([.. batch.Select(b => b.Image)]);
            for (var i = 0; i < batch.Count; i++)
            {
                add(batch[i].Id, results[i].Features);
                if (results[i].Error is { } error) skip(batch[i].Row, error);
            }
            batch.Clear();
        }
        using var cursor = _source.GetRowCursor([_imageColumn]);
        var (id, read, rowId) = (cursor.GetIdGetter(), reader(cursor, _imageColumn), default(DataViewRowId));
        while (cursor.MoveNext())
        {
            id(ref rowId);
            var row = $"row {cursor.Position}";
            try
            {
                batch.Add((rowId, row, read()));
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                add(rowId, null);
                skip(row, e.Message);
            }
            if (batch.Count == _featurizer.Options.BatchSize) Flush();
        }
        Flush();
    }

    private static Func<byte[]> ReadBytes(DataViewRowCursor cursor, DataViewSchema.Column column)
    {
        var getter = cursor.GetGetter<VBuffer<byte>>(column);
        var value = default(VBuffer<byte>);
        return () =>
        {
            getter(ref value);
            return value.DenseValues().ToArray();
        };
    }

    private static Func<RgbaPixels> ReadImage(DataViewRowCursor cursor, DataViewSchema.Column column)
    {
        var getter = cursor.GetGetter<MLImage>(column);
        MLImage? image = null;
        return () =>
        {
            // The getter that made the image disposes it when it makes the next (ML.NET's convention): not ours to free.
            getter(ref image!);
            return image is null ? throw new ImageDecodeException("no image in this row") : MLImagePixels.ToRgba(image);
        };
    }

    private sealed class Cursor(ImageFeaturesDataView parent, DataViewRowCursor source,
        Dictionary<DataViewRowId, float[]>? features) : DataViewRowCursor
    {
        private readonly ValueGetter<DataViewRowId> _id = source.GetIdGetter();

        public override DataViewSchema Schema => parent.Schema;

        public override long Position => source.Position;

        public override long Batch => source.Batch;

        public override ValueGetter<DataViewRowId> GetIdGetter() => _id;

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
            var id = default(DataViewRowId);
            ValueGetter<VBuffer<float>> getter = (ref VBuffer<float> value) =>
            {
                _id(ref id);
                if (!features.TryGetValue(id, out var vector))
                    throw new InvalidOperationException($"Row {id} of this cursor was not among the rows featurized: " +
                        "the input data view must give each row the same id on every cursor, as ML.NET's do.");
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
