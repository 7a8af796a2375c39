using System.Diagnostics.Metrics;
using TransferLearning.ImageClassification.Classification;

namespace TransferLearning.ImageClassification.Hosting;

/// <summary>The service's instruments, on the meter <see cref="MeterName"/> (export them with OpenTelemetry's
/// AddMeter).</summary>
internal sealed class ClassifierMetrics
{
    public const string MeterName = "TransferLearning.ImageClassification.Hosting";

    private readonly Counter<long> _predictions;
    private readonly Counter<long> _unfamiliar;
    private readonly Histogram<int> _batchSize;
    private readonly Histogram<double> _duration;

    public ClassifierMetrics(IMeterFactory meters)
    {
        var meter = meters.Create(MeterName);
        _predictions = meter
            .CreateCounter<long>("classifier.predictions", "{image}", "Images classified, by outcome (ok, unusable).");
        _unfamiliar = meter.CreateCounter<long>("classifier.unfamiliar", "{image}",
            "Images classified whose novelty is above the model's threshold: they look like none of the classes.");
        _batchSize = meter.CreateHistogram<int>("classifier.batch.size", "{image}", "Images per backbone batch.");
        _duration = meter.CreateHistogram<double>("classifier.prediction.duration", "s",
            "From a prediction's request to its answer, waiting for its batch included.");
    }

    public void Batch(int size) => _batchSize.Record(size);

    public void Prediction(BatchPrediction answer, TimeSpan elapsed)
    {
        _predictions.Add(1, new KeyValuePair<string, object?>("outcome", answer.Succeeded ? "ok" : "unusable"));
        if (answer.Prediction is { IsUnfamiliar: true }) _unfamiliar.Add(1);
        _duration.Record(elapsed.TotalSeconds);
    }
}
