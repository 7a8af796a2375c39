using System.Diagnostics;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using TransferLearning.ImageClassification;
using TransferLearning.ImageClassification.Head;
using TransferLearning.ImageClassification.Hosting;

namespace TransferLearning.Benchmarks;

/// <summary>
/// What request batching buys a served classifier: requests/s and p50/p99 latency with 1 and 32 concurrent clients,
/// batching on and off, over HTTP on 127.0.0.1 (Kestrel), ResNet18 on the bundled 28x28 images. Same run, same model.
/// </summary>
internal static class ServeBenchmark
{
    /// <summary>serve [--seconds S]</summary>
    public static async Task RunAsync(string[] args)
    {
        var seconds = args.SkipWhile(a => a != "--seconds").Skip(1).Select(double.Parse).DefaultIfEmpty(10).First();
        var work = Directory.CreateTempSubdirectory("tl-serve-").FullName;
        try
        {
            var model = await TrainAsync(work);
            var images = Directory.GetDirectories(Path.Combine(BenchmarkAssets.Root, "test")).Order(StringComparer.Ordinal).Take(2)
                .SelectMany(d => Directory.GetFiles(d).Take(16)).Select(File.ReadAllBytes).ToArray();
            Console.WriteLine($"ResNet18, 2 classes, 28x28 PNGs; {Environment.ProcessorCount} cores; {seconds:F0} s per row; HTTP on 127.0.0.1");
            Console.WriteLine($"{"batching",-14} {"clients",7} {"requests/s",10} {"p50 ms",8} {"p99 ms",8} {"mean batch",10}");
            // Off; on with the 2 ms gathering window earlier versions had; on as it is now (a batch runs as soon as none is running).
            foreach (var (batching, delay, name) in new[] { (false, 0, "off"), (true, 2, "on, 2 ms wait"), (true, 0, "on") })
                foreach (var clients in new[] { 1, 32 })
                {
                    var (rate, p50, p99, meanBatch) = await MeasureAsync(model, images, batching, TimeSpan.FromMilliseconds(delay), clients, TimeSpan.FromSeconds(seconds));
                    Console.WriteLine($"{name,-14} {clients,7} {rate,10:F1} {p50,8:F1} {p99,8:F1} {meanBatch,10:F1}");
                }
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }

    private static async Task<string> TrainAsync(string work)
    {
        var data = Path.Combine(work, "data");
        foreach (var folder in Directory.GetDirectories(Path.Combine(BenchmarkAssets.Root, "train")).Order(StringComparer.Ordinal).Take(2))
        {
            var target = Directory.CreateDirectory(Path.Combine(data, Path.GetFileName(folder))).FullName;
            foreach (var file in Directory.GetFiles(folder).Order(StringComparer.Ordinal).Take(20)) File.Copy(file, Path.Combine(target, Path.GetFileName(file)));
        }
        var result = await new TransferClassifierBuilder().WithImages(data).WithFeaturizer(o => new(o) { CacheDirectory = null }).WithBackbone("resnet18")
            .WithHead(new HeadOptions { Epochs = 5 }).TrainAsync();
        var path = Path.Combine(work, "model.zip");
        using (result.Classifier) result.Classifier.Save(path);
        return path;
    }

    private static async Task<(double Rate, double P50, double P99, double MeanBatch)> MeasureAsync(
        string model, byte[][] images, bool batching, TimeSpan delay, int clients, TimeSpan duration)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Services.AddTransferClassifier(o => (o.ModelPath, o.Batching, o.MaxBatchDelay) = (model, batching, delay));
        var batches = new BatchSizes();
        await using var app = builder.Build();
        app.MapPost("/predict", async (HttpRequest request, ServedClassifier classifier) =>
        {
            using var body = new MemoryStream();
            await request.Body.CopyToAsync(body);
            var answer = await classifier.PredictAsync(body.ToArray());
            return answer.Prediction is { } p ? Results.Ok(new { label = p.Label, probability = p.Probability }) : Results.BadRequest(answer.Error);
        });
        await app.StartAsync();
        using var meter = batches.Listen();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        using var http = new HttpClient { BaseAddress = new Uri(address) };

        async Task<List<double>> Client(int id, DateTime until)
        {
            var latencies = new List<double>();
            for (var n = id; DateTime.UtcNow < until; n += clients)
            {
                var clock = Stopwatch.StartNew();
                using var response = await http.PostAsync("/predict", new ByteArrayContent(images[n % images.Length]));
                response.EnsureSuccessStatusCode();
                latencies.Add(clock.Elapsed.TotalMilliseconds);
            }
            return latencies;
        }

        await Task.WhenAll(Enumerable.Range(0, clients).Select(c => Client(c, DateTime.UtcNow.AddSeconds(2)))); // warm up
        batches.Reset();
        var timer = Stopwatch.StartNew();
        var all = (await Task.WhenAll(Enumerable.Range(0, clients).Select(c => Client(c, DateTime.UtcNow + duration)))).SelectMany(l => l).Order().ToArray();
        var elapsed = timer.Elapsed.TotalSeconds;
        await app.StopAsync();
        return (all.Length / elapsed, all[all.Length / 2], all[(int)(all.Length * 0.99)], batches.Mean);
    }

    /// <summary>Reads the hosting package's batch-size histogram, as an OpenTelemetry exporter would.</summary>
    private sealed class BatchSizes
    {
        private long _batches;
        private long _images;

        public double Mean => Interlocked.Read(ref _batches) == 0 ? 0 : (double)Interlocked.Read(ref _images) / Interlocked.Read(ref _batches);

        public void Reset() => (_batches, _images) = (0, 0);

        public System.Diagnostics.Metrics.MeterListener Listen()
        {
            var listener = new System.Diagnostics.Metrics.MeterListener
            {
                InstrumentPublished = (instrument, l) =>
                {
                    if (instrument.Meter.Name == "TransferLearning.ImageClassification.Hosting" && instrument.Name == "classifier.batch.size") l.EnableMeasurementEvents(instrument);
                },
            };
            listener.SetMeasurementEventCallback<int>((_, size, _, _) =>
            {
                Interlocked.Increment(ref _batches);
                Interlocked.Add(ref _images, size);
            });
            listener.Start();
            return listener;
        }
    }
}
