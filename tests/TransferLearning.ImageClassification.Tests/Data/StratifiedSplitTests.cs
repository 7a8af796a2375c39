using TransferLearning.ImageClassification.Data;

namespace TransferLearning.ImageClassification.Tests.Data;

public class StratifiedSplitTests
{
    private static ImageDataset Dataset(params (string Label, int Count)[] classes) =>
        ImageDataset.FromList(classes.SelectMany(c => Enumerable.Range(0, c.Count).Select(i => new LabeledImage($"{c.Label}/{i:D4}.png", c.Label))));

    [Fact]
    public void The_default_split_is_80_10_10_within_every_class()
    {
        var split = Dataset(("a", 100), ("b", 50), ("c", 30)).Split();

        foreach (var (label, count) in new[] { ("a", 100), ("b", 50), ("c", 30) })
        {
            Assert.Equal(count * 8 / 10, split.Train.Count(i => i.Label == label));
            Assert.Equal(count / 10, split.Validation.Count(i => i.Label == label));
            Assert.Equal(count / 10, split.Test.Count(i => i.Label == label));
        }
    }

    [Fact]
    public void Parts_are_disjoint_and_cover_every_image()
    {
        var dataset = Dataset(("a", 37), ("b", 23));
        var split = dataset.Split(new SplitRatios(7, 2, 1), seed: 3);

        var all = split.Train.Concat(split.Validation).Concat(split.Test).ToArray();
        Assert.Equal(dataset.Images.Count, all.Distinct().Count());
        Assert.Equal(dataset.Images.ToHashSet(), all.ToHashSet());
    }

    [Fact]
    public void The_same_seed_and_images_give_the_same_split_whatever_their_order()
    {
        var dataset = Dataset(("a", 40), ("b", 40));
        var shuffled = ImageDataset.FromList(dataset.Images.Reverse());

        Assert.Equal(dataset.Split(seed: 5), shuffled.Split(seed: 5), new SplitComparer());
        Assert.NotEqual(dataset.Split(seed: 5).Test, dataset.Split(seed: 6).Test);
    }

    [Fact]
    public void Every_class_keeps_a_training_image_however_small()
    {
        var split = Dataset(("a", 1), ("b", 2)).Split(new SplitRatios(1, 1, 1));

        Assert.Contains(split.Train, i => i.Label == "a");
        Assert.Contains(split.Train, i => i.Label == "b");
    }

    [Fact]
    public void Weights_must_make_sense()
    {
        Assert.Throws<ArgumentException>(() => new SplitRatios(0, 1, 1));
        Assert.Throws<ArgumentException>(() => new SplitRatios(1, -1, 1));
        Assert.Throws<ArgumentException>(() => new SplitRatios(double.NaN, 1, 1));
    }

    private sealed class SplitComparer : IEqualityComparer<DatasetSplit>
    {
        public bool Equals(DatasetSplit? x, DatasetSplit? y) =>
            x!.Train.SequenceEqual(y!.Train) && x.Validation.SequenceEqual(y.Validation) && x.Test.SequenceEqual(y.Test);

        public int GetHashCode(DatasetSplit obj) => obj.Train.Count;
    }
}
