using TransferLearning.ImageClassification;
using TransferLearning.ImageClassification.Classification;
using TransferLearning.ImageClassification.Plots;

// The public surface an outside app relies on: build, train, save, load, predict (and a picture from the plots package).
if (args.Length != 3)
{
    Console.Error.WriteLine("usage: PackageConsumer TRAIN_DIR TEST_DIR WORK_DIR");
    return 2;
}
var (train, test, work) = (args[0], args[1], args[2]);

var result = await new TransferClassifierBuilder()
    .WithImages(train)
    .WithTestImages(test)
    .WithBackbone("resnet18")                                  // the bundled model, from the Microsoft package dependency
    .WithFeatureCache(Path.Combine(work, "cache"))
    .TrainAsync();
var modelPath = Path.Combine(work, "model.zip");
using (result.Classifier) result.Classifier.Save(modelPath);
PlotFile.SavePng(HistoryPlot.Create(result.Report), Path.Combine(work, "history.png"));

using var classifier = TransferClassifier.Load(modelPath);
var image = Directory.EnumerateFiles(test, "*.png", SearchOption.AllDirectories).Order(StringComparer.Ordinal).First();
var prediction = await classifier.PredictAsync(image);

var accuracy = result.Report.Test!.Accuracy;
Console.WriteLine($"test accuracy {accuracy:F3} on {result.Report.Counts.Test} images; {Path.GetFileName(image)}: {prediction.Label} ({prediction.Probability:P0})");
return accuracy >= 0.7 && classifier.Classes.Contains(prediction.Label) ? 0 : 1;
