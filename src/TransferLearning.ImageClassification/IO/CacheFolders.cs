namespace TransferLearning.ImageClassification.IO;

/// <summary>Where the library keeps what it can make again: downloaded backbones and cached features.</summary>
internal static class CacheFolders
{
    /// <summary><c>$XDG_CACHE_HOME</c> (or the platform's local application data) / transfer-learning.</summary>
    public static string Root
    {
        get
        {
            var root = Environment.GetEnvironmentVariable("XDG_CACHE_HOME");
            if (string.IsNullOrEmpty(root)) root = Environment.GetFolderPath(
                Environment.SpecialFolder.LocalApplicationData, Environment.SpecialFolderOption.Create);
            if (string.IsNullOrEmpty(root)) root = Path.GetTempPath();
            return Path.Combine(root, "transfer-learning");
        }
    }

    /// <summary>The environment variable that moves <see cref="Models"/>.</summary>
    public const string ModelsVariable = "TRANSFER_LEARNING_MODELS";

    /// <summary><c>$TRANSFER_LEARNING_MODELS</c>, else <see cref="Root"/> / models.</summary>
    public static string Models =>
        Environment.GetEnvironmentVariable(ModelsVariable) is { Length: > 0 } custom ? custom
            : Path.Combine(Root, "models");
}
