using TransferLearning.ImageClassification.Head;

namespace TransferLearning.ImageClassification.Tests.Head;

public class ClassWeightingTests
{
    [Fact]
    public void Balanced_weights_are_inverse_to_class_frequency()
    {
        int[] labels = [0, 0, 0, 1];

        Assert.Equal([4f / 6, 2f], ClassWeighting.Balanced.Resolve(labels, 2));
        Assert.Equal([1f, 1f], ClassWeighting.None.Resolve(labels, 2));
    }

    [Fact]
    public void Explicit_weights_must_match_the_class_count()
    {
        Assert.Equal([2f, 0.5f], ClassWeighting.Explicit(2f, 0.5f).Resolve([0, 1], 2));
        Assert.Throws<ArgumentException>(() => ClassWeighting.Explicit(1f).Resolve([0, 1], 2));
        Assert.Throws<ArgumentException>(() => ClassWeighting.Explicit(-1f, 1f));
    }
}
