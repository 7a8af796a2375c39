namespace TransferLearning.ImageClassification.Hosting;

/// <summary>How the served classifier is loaded and batched; bound from the configuration section
/// <c>Classifier</c>.</summary>
public sealed class ClassifierOptions
{
    /// <summary>The configuration section these options are bound from.</summary>
    public const string Section = "Classifier";

    /// <summary>The model file written by <c>TransferClassifier.Save</c>; replacing it swaps the served model
    /// in.</summary>
    public string ModelPath { get; set; } = "";

    /// <summary>Gather concurrent predictions into backbone batches (default on).</summary>
    public bool Batching { get; set; } = true;

    /// <summary>Most images in one batch (default 32).</summary>
    public int MaxBatchSize { get; set; } = 32;

    /// <summary>
    /// How long a batch that is not full waits for more images before it runs (default zero: it runs at once, and
    /// requests arriving meanwhile form the next batch, so a lone request never waits).
    /// </summary>
    public TimeSpan MaxBatchDelay { get; set; } = TimeSpan.Zero;

    /// <summary>Largest image upload the app's endpoints should accept (default 20 MB). The package reads no request
    /// bodies itself: endpoints apply it, as the web sample does (413 above it).</summary>
    public long MaxRequestBytes { get; set; } = 20_000_000;

    /// <summary>How often the model file is checked for a replacement (default 1 s).</summary>
    public TimeSpan ReloadCheckInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Folder of downloaded backbones (null: the default model store).</summary>
    public string? ModelDirectory { get; set; }
}
