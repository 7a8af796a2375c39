using System.Diagnostics;
using System.Threading.Channels;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using TransferLearning.ImageClassification.Classification;

namespace TransferLearning.ImageClassification.Hosting;

/// <summary>
/// Gathers concurrent predictions into backbone batches. One batch runs at a time, on all cores, on the model leased
/// when it closed; while it runs, the next one gathers. When none is running, what is queued runs at once, so a lone
/// request never waits for company; a request that finds nothing running and nothing queued runs straight away on the
/// thread pool, without the hand-over to the batching loop and back. Up to <see cref="ClassifierOptions.MaxBatchSize"/>
/// images a batch; a
/// <see cref="ClassifierOptions.MaxBatchDelay"/> above zero also waits that long for more before running a batch that
/// is not full.
/// </summary>
internal sealed class PredictionBatcher(ModelSlot slot, ClassifierMetrics metrics, IOptions<ClassifierOptions> options)
    : BackgroundService
{
    private readonly Channel<Pending> _queue =
        Channel.CreateUnbounded<Pending>(); // not SingleReader: that one cannot count
    private readonly SemaphoreSlim _running = new(1, 1); // one batch at a time, inline or from the loop

    public Task<BatchPrediction> EnqueueAsync(byte[] image, CancellationToken cancellationToken)
    {
        var pending = new Pending(image, Stopwatch.GetTimestamp(),
            new TaskCompletionSource<BatchPrediction>(TaskCreationOptions.RunContinuationsAsynchronously));
        if (cancellationToken.IsCancellationRequested) return Task.FromCanceled<BatchPrediction>(cancellationToken);
        if (_queue.Reader.Completion.IsCompleted) throw new InvalidOperationException("The service is stopping.");
        if (options.Value.MaxBatchDelay == TimeSpan.Zero && _queue.Reader.Count == 0 && _running.Wait(0))
            // holds the turn already: calls that follow, even from this thread, queue behind it
            return RunAloneAsync(pending);
        if (!_queue.Writer.TryWrite(pending)) throw new InvalidOperationException("The service is stopping.");
        return pending.Answer.Task.WaitAsync(cancellationToken);
    }

    /// <summary>A request that found nothing running or queued: one hop to the thread pool, not two through the
    /// loop.</summary>
    private async Task<BatchPrediction> RunAloneAsync(Pending pending)
    {
        try
        {
            // the caller gets its task back first and may send more, which gather into the next batch
            await Task.Yield();
            Run([pending]);
        }
        finally
        {
            _running.Release(); // a waiting loop gets it first: what queued meanwhile runs next
        }
        return await pending.Answer.Task.ConfigureAwait(false);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await BatchUntilStoppedAsync(stoppingToken).ConfigureAwait(false);
        }
        finally
        {
            // Stopping: predictions still waiting get an answer (cancelled) instead of hanging their requests.
            _queue.Writer.TryComplete();
            while (_queue.Reader.TryRead(out var pending)) pending.Answer.TrySetCanceled(stoppingToken);
        }
    }

    private async Task BatchUntilStoppedAsync(CancellationToken stoppingToken)
    {
        var (maxSize, maxDelay) = (options.Value.MaxBatchSize, options.Value.MaxBatchDelay);
        var batch = new List<Pending>(maxSize);
        while (await _queue.Reader.WaitToReadAsync(stoppingToken).ConfigureAwait(false))
        {
            await _running.WaitAsync(stoppingToken).ConfigureAwait(false);
            try
            {
                await GatherAndRunAsync(batch, maxSize, maxDelay, stoppingToken).ConfigureAwait(false);
            }
            finally
            {
                _running.Release();
            }
        }
    }

    /// <summary>Runs what is queued, up to a full batch (after the gathering window, when there is one).</summary>
    private async Task GatherAndRunAsync(
        List<Pending> batch, int maxSize, TimeSpan maxDelay, CancellationToken stoppingToken)
    {
        batch.Clear();
        while (batch.Count < maxSize && _queue.Reader.TryRead(out var queued)) batch.Add(queued);
        if (batch.Count < maxSize && maxDelay > TimeSpan.Zero)
        {
            using var window = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
            window.CancelAfter(maxDelay);
            try
            {
                while (batch.Count < maxSize)
                {
                    if (_queue.Reader.TryRead(out var next)) batch.Add(next);
                    else if (!await _queue.Reader.WaitToReadAsync(window.Token).ConfigureAwait(false)) break;
                }
            }
            catch (OperationCanceledException) when (!stoppingToken.IsCancellationRequested)
            {
                // The window closed: run what has come.
            }
            catch (OperationCanceledException)
            {
                // Stopping: what was already taken from the queue gets its answer too (cancelled), not a hang.
                foreach (var taken in batch) taken.Answer.TrySetCanceled(stoppingToken);
                throw;
            }
        }
        if (batch.Count > 0) Run(batch);
    }

    /// <summary>Predicts one batch; without batching, each request calls this with its own image.</summary>
    public void Run(IReadOnlyList<Pending> batch)
    {
        try
        {
            using var lease = slot.Acquire();
            var answers = lease.Classifier.PredictBatch([.. batch.Select(p => p.Image)]);
            metrics.Batch(batch.Count);
            for (var i = 0; i < batch.Count; i++)
            {
                metrics.Prediction(answers[i], Stopwatch.GetElapsedTime(batch[i].Started));
                batch[i].Answer.TrySetResult(answers[i]);
            }
        }
        catch (Exception e)
        {
            foreach (var pending in batch) pending.Answer.TrySetException(e);
        }
    }

    /// <summary>A prediction waiting for its batch.</summary>
    internal sealed record Pending(byte[] Image, long Started, TaskCompletionSource<BatchPrediction> Answer);
}
