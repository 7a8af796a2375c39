using System.CommandLine;
using TransferLearning.ImageClassification.Features;

namespace CatsDogs.Console;

/// <summary>The command line: no arguments runs the main job (ResNet18 on the bundled Fashion-MNIST images).</summary>
internal static class Cli
{
    public static RootCommand Create()
    {
        var data = new Option<DirectoryInfo?>("--data") { Description = "Folder with one sub-folder of images per class (default: the bundled assets/fashion-mnist/train)." };
        var testData = new Option<DirectoryInfo?>("--test-data") { Description = "Separate test folder; without it the test part comes from --data's split (default with the bundled data: assets/fashion-mnist/test)." };
        var backbone = new Option<string>("--backbone") { Description = "Backbone name.", DefaultValueFactory = _ => "resnet18" };
        var seed = new Option<int>("--seed") { Description = "Split and training seed.", DefaultValueFactory = _ => 42 };
        var cache = new Option<DirectoryInfo>("--cache") { Description = "Feature cache folder.", DefaultValueFactory = _ => new DirectoryInfo(FeaturizerOptions.DefaultCacheDirectory) };
        var output = new Option<DirectoryInfo>("--out") { Description = "Where the model and report go.", DefaultValueFactory = _ => new DirectoryInfo("out") };
        var report = new Option<FileInfo?>("--report") { Description = "JSON report path (default: <out>/report.json)." };
        var noFlip = new Option<bool>("--no-flip") { Description = "Do not add mirror-image features (halves featurization time)." };
        var model = new Option<FileInfo>("--model") { Description = "A model file written by train.", Required = true };
        var json = new Option<bool>("--json") { Description = "Machine-readable output." };
        var top = new Option<int>("--top") { Description = "Classes to show per image.", DefaultValueFactory = _ => 1 };
        var images = new Argument<FileInfo[]>("images") { Description = "Image files to classify.", Arity = ArgumentArity.OneOrMore };

        var train = new Command("train", "Featurize, train the head, evaluate, save model and report.")
        {
            data, testData, backbone, seed, cache, output, report, noFlip,
        };
        train.SetAction((result, token) => TrainCommand.RunAsync(
            new TrainCommand.Options(
                result.GetValue(data), result.GetValue(testData), result.GetValue(backbone)!, result.GetValue(seed),
                result.GetValue(cache)!, result.GetValue(output)!, result.GetValue(report), !result.GetValue(noFlip)),
            token));

        var evaluate = new Command("evaluate", "Evaluate a saved model on a labelled folder.") { model, data, report };
        evaluate.SetAction((result, token) => EvaluateCommand.RunAsync(result.GetValue(model)!, result.GetValue(data), result.GetValue(report), token));

        var predict = new Command("predict", "Classify image files with a saved model.") { model, json, top, images };
        predict.SetAction((result, token) => PredictCommand.RunAsync(result.GetValue(model)!, result.GetValue(images)!, result.GetValue(json), result.GetValue(top), token));

        var root = new RootCommand("Transfer learning image classification: a frozen ImageNet backbone + a trained dense head.")
        {
            train, evaluate, predict,
        };
        root.SetAction((_, token) => TrainCommand.RunAsync(TrainCommand.Options.MainJob, token));
        return root;
    }
}
