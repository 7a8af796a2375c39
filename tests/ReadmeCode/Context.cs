// What the README's blocks take from the text around them: the namespaces of the quick start, and the variables
// earlier blocks made. A block's own local of the same name hides the field.
global using Microsoft.ML;
global using TransferLearning.ImageClassification;
global using TransferLearning.ImageClassification.Backbones;
global using TransferLearning.ImageClassification.Classification;
global using TransferLearning.ImageClassification.Data;
global using TransferLearning.ImageClassification.Experiments;
global using TransferLearning.ImageClassification.FineTuning;
global using TransferLearning.ImageClassification.Head;
global using TransferLearning.ImageClassification.Preprocessing;
global using TransferLearning.ImageClassification.Training;

namespace ReadmeCode;

internal static partial class Snippets
{
    private static TrainingResult result = null!;
    private static ImageDataset dataset = null!;
    private static ExperimentResult comparison = null!;
    private static TransferClassifier classifier = null!;
    private static MLContext ml = null!;
    private static IDataView trainData = null!;
    private static WebApplicationBuilder builder = null!;
    private static WebApplication app = null!;
    private static int k, n;
}
