using System.Globalization;

namespace TransferLearning.ImageClassification.IO;

/// <summary>
/// Collects every invalid setting of an options object, so that one exception names them all instead of the first:
/// fixing a configuration should take one round, not one per mistake.
/// </summary>
internal sealed class OptionErrors
{
    private readonly List<string> _errors = [];

    /// <summary>Notes <paramref name="problem"/> about <paramref name="setting"/> unless
    /// <paramref name="valid"/>.</summary>
    public OptionErrors Require(bool valid, string setting, string problem, object? value = null)
    {
        if (!valid)
            _errors.Add(value is null ? $"{setting} {problem}"
                : string.Create(CultureInfo.InvariantCulture, $"{setting} {problem} (got {value})"));
        return this;
    }

    /// <summary>Adds a nested object's errors under <paramref name="prefix"/>.</summary>
    public OptionErrors Include(string prefix, IEnumerable<string> errors)
    {
        _errors.AddRange(errors.Select(e => $"{prefix}.{e}"));
        return this;
    }

    /// <summary>The errors noted so far.</summary>
    public IReadOnlyList<string> All => _errors;

    /// <summary>Throws one <see cref="ArgumentException"/> listing every error, if there is any.</summary>
    public static void ThrowIfAny(string optionsName, IReadOnlyList<string> errors)
    {
        if (errors.Count > 0)
            throw new ArgumentException(
                $"{optionsName} has {errors.Count} invalid setting(s): {string.Join("; ", errors)}.");
    }
}
