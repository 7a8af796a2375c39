namespace TransferLearning.ImageClassification.Tests.Support;

internal static class Poll
{
    /// <summary>Waits until <paramref name="condition"/> holds, failing after <paramref name="seconds"/>.</summary>
    public static async Task UntilAsync(Func<bool> condition, double seconds = 10)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "The condition did not hold in time.");
            await Task.Delay(20);
        }
    }
}
