using System.Text.Json;
using TransferLearning.ImageClassification.IO;

namespace TransferLearning.ImageClassification.Tests.Support;

/// <summary>
/// Results are classes without value equality; two runs "report the same numbers" when their JSON reports are the
/// same text, which also covers every field added later.
/// </summary>
internal static class SameJson
{
    public static string Of<T>(T value) => JsonSerializer.Serialize(value, JsonReport.Options);

    public static void Equal<T>(T expected, T actual) => Assert.Equal(Of(expected), Of(actual));
}
