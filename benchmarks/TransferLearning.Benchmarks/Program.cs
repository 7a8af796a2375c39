// Benchmarks; results and how to read them: docs/benchmarks.md.
//   dotnet run -c Release --project benchmarks/TransferLearning.Benchmarks [-- featurize [FOLDER] [--limit N] [--synthetic N] [--batch B] [--gpu [N]]]
//   dotnet run -c Release --project benchmarks/TransferLearning.Benchmarks -- heads [cache-folder] [--candidates] [--flip] [--avgmax] [--size N] [--node NAME]
//   dotnet run -c Release --project benchmarks/TransferLearning.Benchmarks -- heads --synthetic [--rows N] [--features N] [--epochs N] [--batches 32,128,512] [--pytorch]
//   dotnet run -c Release --project benchmarks/TransferLearning.Benchmarks -- compare [--synthetic N] [--backbones a,b]
//   dotnet run -c Release --project benchmarks/TransferLearning.Benchmarks -- serve [--seconds S]
//   dotnet run -c Release --project benchmarks/TransferLearning.Benchmarks -- preprocess [FOLDER] [--synthetic N] [--size S]
//   dotnet run -c Release --project benchmarks/TransferLearning.Benchmarks -- explain [--images N]
//   dotnet run -c Release --project benchmarks/TransferLearning.Benchmarks -- int8 [--backbones a,b] [--images N] [--method minmax|percentile] [--probe]
//   .ci/debian13.sh dotnet bin/.../TransferLearning.Benchmarks.dll stage [--batch 32] [--steps 10] [--whole]   (needs LibTorch; PyTorch: benchmarks/pytorch/stage_training.py)
//   .ci/debian13.sh dotnet bin/.../TransferLearning.Benchmarks.dll finetune TRAIN TEST [--stages 1] [--epochs 4] [--flip] [--cache DIR] [--json FILE]   (needs LibTorch; sets: benchmarks/fine-tuning/make-set.py)
//   dotnet run -c Release --project benchmarks/TransferLearning.Benchmarks -- novelty SETS [--backbones a,b] [--precisions fp32,int8]   (SETS: benchmarks/novelty/make-sets.py)
using TransferLearning.Benchmarks;

if (args is ["heads", .. var synthetic] && synthetic.Contains("--synthetic")) SyntheticHeadBenchmark.Run(synthetic);
else if (args is ["heads", .. var headArgs]) await HeadBenchmark.RunAsync(headArgs);
else if (args is ["compare", .. var compareArgs]) await CompareBenchmark.RunAsync(compareArgs);
else if (args is ["serve", .. var serveArgs]) await ServeBenchmark.RunAsync(serveArgs);
else if (args is ["preprocess", .. var preprocessArgs]) PreprocessBenchmark.Run(preprocessArgs);
else if (args is ["explain", .. var explainArgs]) await ExplainBenchmark.RunAsync(explainArgs);
else if (args is ["int8", .. var int8Args]) await Int8Benchmark.RunAsync(int8Args);
else if (args is ["novelty", .. var noveltyArgs]) await NoveltyBenchmark.RunAsync(noveltyArgs);
else if (args is ["stage", .. var stageArgs]) StageTrainingBenchmark.Run(stageArgs);
else if (args is ["finetune", .. var fineTuneArgs]) await FineTuningBenchmark.RunAsync(fineTuneArgs);
else await FeaturizeBenchmark.RunAsync(args is ["featurize", .. var rest] ? rest : args);
