using System.Reflection;
using TransferLearning.ImageClassification.Backbones;
using TransferLearning.ImageClassification.Features;
using TransferLearning.ImageClassification.Head;

namespace TransferLearning.ImageClassification.Tests.Options;

/// <summary>Options are classes with init properties; a copy constructor stands in for records' <c>with</c>.</summary>
public class CopyConstructorTests
{
    public static TheoryData<Type> OptionTypes => [typeof(HeadOptions), typeof(FeaturizerOptions), typeof(BackboneSpec)];

    [Theory]
    [MemberData(nameof(OptionTypes))]
    public void The_copy_constructor_copies_every_setting(Type type)
    {
        var original = Activator.CreateInstance(type)!;
        var settable = type.GetProperties(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance)
            .Where(p => p.SetMethod is not null && p.GetIndexParameters().Length == 0).ToArray();
        foreach (var property in settable)
            if (NonDefault(property.PropertyType, property.GetValue(original)) is { } value) property.SetValue(original, value);

        var copy = Activator.CreateInstance(type, original)!;

        Assert.NotEmpty(settable);
        foreach (var property in settable)
            Assert.True(Equals(property.GetValue(original), property.GetValue(copy)), $"{type.Name}.{property.Name} is not copied");
    }

    // A value that differs from the current one, for the types a setting can have; null leaves the setting as it is.
    private static object? NonDefault(Type type, object? current)
    {
        var plain = Nullable.GetUnderlyingType(type) ?? type;
        if (plain == typeof(int)) return (int)(current ?? 0) + 7;
        if (plain == typeof(float)) return (float)(current ?? 0f) + 0.125f;
        if (plain == typeof(double)) return (double)(current ?? 0d) + 0.25;
        if (plain == typeof(bool)) return !(bool)(current ?? false);
        if (plain == typeof(string)) return $"{current}-changed";
        if (plain.IsEnum) return Enum.GetValues(plain).Cast<object>().First(v => !v.Equals(current));
        return null;
    }
}
