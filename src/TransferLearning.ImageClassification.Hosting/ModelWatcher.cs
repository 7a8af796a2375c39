using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace TransferLearning.ImageClassification.Hosting;

/// <summary>
/// Loads the model at start-up, then looks at its file every <see cref="ClassifierOptions.ReloadCheckInterval"/>:
/// a new write time or length means a replaced file, loaded and swapped in. Polling, not file-system events, so it
/// also works on mounted volumes; a replacement is picked up within one interval.
/// </summary>
internal sealed class ModelWatcher(ModelSlot slot, IOptions<ClassifierOptions> options) : BackgroundService
{
    public override Task StartAsync(CancellationToken cancellationToken)
    {
        slot.TryLoad(); // before the server takes requests; a failure is logged and reported by the health check
        return base.StartAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var path = options.Value.ModelPath;
        var seen = Stamp(path);
        using var timer = new PeriodicTimer(options.Value.ReloadCheckInterval);
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
        {
            var now = Stamp(path);
            if (now == seen) continue;
            seen = now;
            if (now is not null) slot.TryLoad();
        }
    }

    private static (DateTime, long)? Stamp(string path)
    {
        var file = new FileInfo(path);
        return file.Exists ? (file.LastWriteTimeUtc, file.Length) : null;
    }
}
