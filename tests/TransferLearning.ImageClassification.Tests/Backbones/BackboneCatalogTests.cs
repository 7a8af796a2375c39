using System.Security.Cryptography;
using System.Text.RegularExpressions;
using TransferLearning.ImageClassification.Backbones;
using TransferLearning.ImageClassification.Downloads;
using TransferLearning.ImageClassification.Tests.Support;

namespace TransferLearning.ImageClassification.Tests.Backbones;

public class BackboneCatalogTests
{
    public static TheoryData<string> Names => [.. BackboneCatalog.All.Select(b => b.Name)];

    public static TheoryData<string> Downloadable => [.. BackboneCatalog.All.Where(b => b.Download is not null).Select(b => b.Name)];

    /// <summary>How each entry's feature tensor is produced in the real graph, for a generated stand-in with the same ports.</summary>
    private static readonly Dictionary<string, FeatureProducer> Producers = new()
    {
        ["vgg16"] = FeatureProducer.MaxPoolMap,
        ["googlenet"] = FeatureProducer.FixedAveragePool,
        ["inceptionv3"] = FeatureProducer.GlobalAveragePool,
        ["resnet50v2"] = FeatureProducer.GlobalAveragePool,
        ["resnet101v2"] = FeatureProducer.GlobalAveragePool,
        ["mobilenetv2"] = FeatureProducer.GlobalAveragePool,
    };

    [Fact]
    public void The_article_s_architectures_and_more_are_listed_under_unique_names()
    {
        var names = BackboneCatalog.All.Select(b => b.Name).ToList();

        Assert.Equal(names.Count, names.Distinct(StringComparer.OrdinalIgnoreCase).Count());
        Assert.Superset(new HashSet<string> { "resnet18", "vgg16", "googlenet", "inceptionv3", "resnet50v2", "resnet101v2", "mobilenetv2" }, names.ToHashSet());
        Assert.Equal(Producers.Keys.Order(), BackboneCatalog.All.Where(b => b.Download is not null).Select(b => b.Name).Order());
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void Every_entry_is_complete_data(string name)
    {
        var entry = BackboneCatalog.Get(name);

        Assert.Matches("^[0-9a-f]{64}$", entry.Sha256);
        Assert.NotNull(entry.InputName);
        Assert.True(entry.FeatureSize > 0);
        Assert.Equal(3, entry.Normalization.Mean.Count);
        Assert.Equal(3, entry.Normalization.Std.Count);
        Assert.NotEmpty(entry.License);
        Assert.NotEmpty(entry.Source);
        Assert.True(entry.ModelPath is not null || entry.Download is not null);
    }

    [Theory]
    [MemberData(nameof(Downloadable))]
    public void Every_download_is_an_https_address_on_hugging_face_with_a_size(string name)
    {
        var download = BackboneCatalog.Get(name).Download!;

        Assert.Equal(Uri.UriSchemeHttps, download.Url.Scheme);
        Assert.Equal("huggingface.co", download.Url.Host);
        // The zoo's mirror (files never change there), or another repository pinned to the commit whose LFS pointer gave the hash.
        Assert.Matches(new Regex(@"^/(onnxmodelzoo/[\w.-]+/resolve/main|[\w.-]+/[\w.-]+/resolve/[0-9a-f]{40})/[\w.-]+\.onnx$"), download.Url.AbsolutePath);
        Assert.True(download.Bytes > 0);
        Assert.NotNull(BackboneCatalog.Get(name).ImageNetTop1);
    }

    [Theory]
    [MemberData(nameof(Downloadable))]
    public async Task A_stand_in_with_the_entry_s_ports_downloads_loads_and_gives_the_entry_s_feature_count(string name)
    {
        var entry = BackboneCatalog.Get(name);
        var model = TinyOnnx.Classifier(entry.InputName!, entry.FeatureNode, entry.FeatureSize!.Value, Producers[name]);
        using var server = new LoopbackServer((context, _) => LoopbackServer.ServeAsync(context, model));
        using var folder = TestImages.NewFolder();
        var standIn = new BackboneSpec(entry)
        {
            Download = new ModelDownload(server.Url(entry.Download!.FileName), model.Length, entry.Download.FileName),
            Sha256 = Convert.ToHexStringLower(SHA256.HashData(model)),
        };

        await new ModelStore(new ModelStoreOptions { Directory = folder.Path }).EnsureAsync(standIn);
        using var runner = BackboneRunner.Load(standIn, modelDirectory: folder.Path);

        Assert.Equal(entry.FeatureSize, runner.FeatureSize);
        Assert.Equal(2 * entry.FeatureSize, runner.Run(new float[2 * 3 * entry.InputSize.Area], 2).Length);
        Assert.InRange(BackboneVerifier.MaxDifference(standIn, folder.Path), 0, 1e-5);
    }

    [Fact]
    public void A_catalogue_entry_that_is_not_downloaded_yet_says_how_to_get_it()
    {
        using var folder = TestImages.NewFolder();

        var error = Assert.Throws<BackboneNotFoundException>(() => BackboneRunner.Load(BackboneCatalog.Vgg16, modelDirectory: folder.Path));

        Assert.Contains("ModelStore.EnsureAsync", error.Message);
        Assert.DoesNotContain("catsdogs", error.Message);
        Assert.Contains(Path.Combine(folder.Path, "vgg16-7.onnx"), error.Message);
    }

    [Fact]
    public void The_catalogue_finds_entries_by_name_and_lists_them_when_it_cannot()
    {
        Assert.Same(BackboneCatalog.ResNet18, BackboneCatalog.Get("ResNet18"));
        var error = Assert.Throws<ArgumentException>(() => BackboneCatalog.Get("vgg99"));
        Assert.Contains("resnet18", error.Message);
    }
}
