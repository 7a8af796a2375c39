namespace TransferLearning.ImageClassification.Tests.Support;

/// <summary>Reports on the calling thread (Progress&lt;T&gt; posts to the thread pool, too late for assertions).</summary>
internal sealed class SynchronousProgress<T>(Action<T> report) : IProgress<T>
{
    private readonly Lock _gate = new();

    public void Report(T value)
    {
        lock (_gate) report(value);
    }
}
