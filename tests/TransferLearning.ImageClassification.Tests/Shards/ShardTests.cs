using TransferLearning.ImageClassification.Shards;

namespace TransferLearning.ImageClassification.Tests.Shards;

public class ShardTests
{
    [Fact]
    public void N_shards_own_every_path_exactly_once()
    {
        var paths = Enumerable.Range(0, 2000).Select(i => $"class{i % 3}/img{i}.jpg").ToArray();
        var shards = Enumerable.Range(0, 7).Select(k => new Shard(k, 7)).ToArray();

        var owners = paths.Select(p => shards.Count(s => s.Owns(p))).ToArray();

        Assert.All(owners, count => Assert.Equal(1, count));
        Assert.All(shards, s => Assert.InRange(paths.Count(s.Owns), 2000 / 7 * 0.8, 2000 / 7 * 1.2)); // evenly spread
    }

    [Fact]
    public void Ownership_depends_only_on_the_path()
    {
        // The hash is fixed by the format: these must never change, or old shard folders would be re-split.
        Assert.Equal([true, false, false], Enumerable.Range(0, 3).Select(k => new Shard(k, 3).Owns(ShardOfZero())).ToArray());
        static string ShardOfZero() => Enumerable.Range(0, 100).Select(i => $"cat/{i}.jpg").First(p => new Shard(0, 3).Owns(p));
    }

    [Theory]
    [InlineData("0/1", 0, 1)]
    [InlineData("3/8", 3, 8)]
    public void K_over_N_parses(string text, int index, int count) => Assert.Equal((index, count), (Shard.Parse(text).Index, Shard.Parse(text).Count));

    [Theory]
    [InlineData("8/8")]
    [InlineData("-1/4")]
    [InlineData("1/0")]
    [InlineData("1")]
    [InlineData("a/b")]
    public void Impossible_shards_are_refused_with_the_expected_form(string text) =>
        Assert.Contains("K/N", Assert.Throws<FormatException>(() => Shard.Parse(text)).Message, StringComparison.Ordinal);

    [Fact]
    public void The_file_name_says_which_shard_it_is() => Assert.Equal("part-2-of-5.parquet", new Shard(2, 5).FileName);
}
