using CsCheck;
using TransferLearning.ImageClassification.Classification;
using TransferLearning.ImageClassification.Head;
using TransferLearning.ImageClassification.Tests.Support;

namespace TransferLearning.ImageClassification.Tests.Classification;

/// <summary>Mutants of valid model zips (dense and ML.NET heads) through the reader: a usable model or one line saying why.</summary>
public sealed class ModelFileFuzzTests : IDisposable
{
    private readonly TempFolder _folder = TestImages.NewFolder();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public void A_mutant_model_file_loads_as_a_consistent_model_or_is_refused_with_one_line_naming_the_file()
    {
        var seeds = new[] { DenseModel(), MLNetModel() };
        var count = 0;

        Mutations.Of(seeds).Sample(bytes =>
        {
            var path = _folder.Write($"mutant-{Interlocked.Increment(ref count)}.zip", bytes);
            try
            {
                var (manifest, head, _, _, _) = ModelFile.Read(path);
                Assert.Equal(manifest.Classes.Count, head.ClassCount);
                Assert.Equal(manifest.LayerSizes[0], head.FeatureSize);
                if (head is DenseHead dense) Assert.All(dense.Parameters.ToArray(), p => Assert.True(float.IsFinite(p)));
            }
            catch (InvalidDataException e)
            {
                Assert.StartsWith($"'{path}' is not a usable model file: ", e.Message);
                Assert.DoesNotContain('\n', e.Message);
            }
            finally
            {
                File.Delete(path);
            }
        }, iter: Mutations.Iterations(300));
    }

    private byte[] DenseModel()
    {
        int[] layers = [16, 8, 3];
        var path = _folder.Combine("dense.zip");
        ModelFile.Write(path, Manifest(layers, ModelManifest.DenseKind), new DenseHead(layers, new float[DenseHead.ParameterCount(layers)]), null, null, null);
        return File.ReadAllBytes(path);
    }

    private byte[] MLNetModel()
    {
        var random = new Random(3);
        var examples = new LabeledFeatures(
            Enumerable.Range(0, 30).Select(i => Enumerable.Range(0, 16).Select(_ => (float)random.NextDouble() + i % 3).ToArray()).ToArray(),
            Enumerable.Range(0, 30).Select(i => i % 3).ToArray());
        var head = MLNetHeadOptions.LbfgsMaximumEntropy.Train(examples, null, 3, null, CancellationToken.None).Trained;
        var path = _folder.Combine("mlnet.zip");
        ModelFile.Write(path, Manifest([16, 3], ModelManifest.MLNetKind), head, null, null, null);
        return File.ReadAllBytes(path);
    }

    private static ModelManifest Manifest(int[] layers, string kind) =>
        new(ModelFile.FormatVersion, "resnet18", new string('b', 64), "tests", false, ["a", "b", "c"], layers, HeadKind: kind);
}
