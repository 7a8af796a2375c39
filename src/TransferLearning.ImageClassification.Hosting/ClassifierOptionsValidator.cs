using Microsoft.Extensions.Options;

namespace TransferLearning.ImageClassification.Hosting;

/// <summary>Checks <see cref="ClassifierOptions"/> at start-up and reports every mistake at once, each by its
/// configuration key.</summary>
internal sealed class ClassifierOptionsValidator : IValidateOptions<ClassifierOptions>
{
    public ValidateOptionsResult Validate(string? name, ClassifierOptions options)
    {
        var key = ClassifierOptions.Section;
        string?[] failures =
        [
            string.IsNullOrWhiteSpace(options.ModelPath)
                ? $"{key}:ModelPath is not set; set it to a model file written by TransferClassifier.Save." : null,
            options.MaxBatchSize < 1 ? $"{key}:MaxBatchSize is {options.MaxBatchSize}; it must be at least 1." : null,
            options.MaxBatchDelay < TimeSpan.Zero
                ? $"{key}:MaxBatchDelay is {options.MaxBatchDelay}; it cannot be negative." : null,
            options.MaxRequestBytes < 1 ? $"{key}:MaxRequestBytes is {options.MaxRequestBytes}; it must be at least 1."
                : null,
            options.ReloadCheckInterval <= TimeSpan.Zero
                ? $"{key}:ReloadCheckInterval is {options.ReloadCheckInterval}; it must be positive." : null,
        ];
        var errors = failures.OfType<string>().ToArray();
        return errors.Length == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
