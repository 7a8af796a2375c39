using Microsoft.ML;
using Microsoft.ML.Data;

namespace TransferLearning.ImageClassification.Head;

/// <summary>
/// A head that is a trained ML.NET model (see <see cref="MLNetHeadOptions"/>). Thread-safe: one prediction engine,
/// used under a lock (a head's prediction takes microseconds next to the backbone's milliseconds).
/// </summary>
public sealed class MLNetHead : IClassifierHead
{
    private readonly MLContext _ml;
    private readonly PredictionEngine<Row, Scores> _engine;
    private readonly Lock _gate = new();

    internal MLNetHead(MLContext ml, ITransformer model, int featureSize, int classCount)
    {
        (_ml, Model, FeatureSize, ClassCount) = (ml, model, featureSize, classCount);
        _engine = ml.Model.CreatePredictionEngine<Row, Scores>(model, inputSchemaDefinition: RowSchema(featureSize));
    }

    /// <summary>The trained ML.NET model: "Features" (and "Label") in, "Score" out.</summary>
    public ITransformer Model { get; }

    /// <inheritdoc />
    public int FeatureSize { get; }

    /// <inheritdoc />
    public int ClassCount { get; }

    /// <inheritdoc />
    public void Predict(ReadOnlySpan<float> features, Span<float> probabilities)
    {
        if (features.Length != FeatureSize)
            throw new ArgumentException($"Expected {FeatureSize} features, got {features.Length}.", nameof(features));
        var row = new Row { Features = features.ToArray() };
        float[] score;
        lock (_gate) score = _engine.Predict(row).Score;
        if (score.Length != ClassCount)
            throw new InvalidOperationException($"The ML.NET model scored {score.Length} classes, not {ClassCount}: " +
                "every class needs training examples.");
        score.CopyTo(probabilities);
    }

    /// <summary>
    /// The model as one linear map on the raw features, [classes × features] row-major (the mean/variance normaliser
    /// folded in), when the trainer is linear: the maximum-entropy trainers (softmax of W·x + b). Null otherwise.
    /// </summary>
    internal float[]? LinearWeights()
    {
        if (Model is not IEnumerable<ITransformer> chain) return null;
        var parts = chain.ToArray();
        if (parts.OfType<ISingleFeaturePredictionTransformer<object>>()
            .LastOrDefault()?.Model is not Microsoft.ML.Trainers.MaximumEntropyModelParameters linear)
            return null;
        VBuffer<float>[] rows = [];
        linear.GetWeights(ref rows, out var classes);
        if (classes != ClassCount) return null; // a class without training examples: Predict refuses this head too
        // The normaliser's offset only moves the bias; its per-feature scale multiplies the weights.
        var scale = Enumerable.Repeat(1f, FeatureSize).ToArray();
        if (parts.OfType<Microsoft.ML.Transforms.NormalizingTransformer>().FirstOrDefault() is { } normalizer)
        {
            if (normalizer.GetNormalizerModelParameters(0) is not
                Microsoft.ML.Transforms.NormalizingTransformer.AffineNormalizerModelParameters<
                    System.Collections.Immutable.ImmutableArray<float>> affine)
                return null; // not affine per feature
            scale = [.. affine.Scale];
        }
        var weights = new float[classes * FeatureSize];
        for (var c = 0; c < classes; c++)
        {
            var row = rows[c].DenseValues().ToArray();
            for (var k = 0; k < FeatureSize; k++) weights[c * FeatureSize + k] = row[k] * scale[k];
        }
        return weights;
    }

    /// <summary>Writes the model in ML.NET's format.</summary>
    void IClassifierHead.Save(Stream stream) =>
        _ml.Model.Save(Model, _ml.Data.LoadFromEnumerable(Array.Empty<Row>(), RowSchema(FeatureSize)).Schema, stream);

    /// <summary>
    /// The model as ONNX, through ML.NET's converter: input "Features" [N, features], output "Score.output" [N,
    /// classes]
    /// (plus the label branch the converter adds, which the exporter prunes).
    /// </summary>
    /// <exception cref="NotSupportedException">ML.NET cannot convert this trainer's model.</exception>
    internal byte[] ToOnnx()
    {
        using var stream = new MemoryStream();
        try
        {
            _ml.Model.ConvertToOnnx(
                Model, _ml.Data.LoadFromEnumerable(Array.Empty<Row>(), RowSchema(FeatureSize)), stream);
        }
        catch (Exception e) when (e is NotSupportedException or NotImplementedException or InvalidOperationException)
        {
            throw new NotSupportedException($"ML.NET's ONNX converter cannot convert this head ({e.Message}).", e);
        }
        return stream.ToArray();
    }

    /// <summary>Reads a model written by <c>Save</c>.</summary>
    internal static MLNetHead Load(Stream stream, int featureSize, int classCount)
    {
        var ml = new MLContext();
        return new MLNetHead(ml, ml.Model.Load(stream, out _), featureSize, classCount);
    }

    internal static SchemaDefinition RowSchema(int featureSize)
    {
        var schema = SchemaDefinition.Create(typeof(Row));
        schema[nameof(Row.Features)].ColumnType = new VectorDataViewType(NumberDataViewType.Single, featureSize);
        return schema;
    }

    /// <summary>One example: the trainer's input row (the label is the class index; prediction ignores it).</summary>
    internal sealed class Row
    {
        public float[] Features { get; set; } = [];

        public float Label { get; set; }
    }

    /// <summary>The trainer's output.</summary>
    internal sealed class Scores
    {
        public float[] Score { get; set; } = [];
    }
}
