// Benchmarks; results and how to read them: docs/benchmarks.md.
//   dotnet run -c Release --project benchmarks/TransferLearning.Benchmarks [-- featurize [FOLDER] [--limit N] [--synthetic N] [--batch B] [--gpu [N]]]
//   dotnet run -c Release --project benchmarks/TransferLearning.Benchmarks -- heads [cache-folder]
using TransferLearning.Benchmarks;

if (args is ["heads", .. var headArgs]) await HeadBenchmark.RunAsync(headArgs);
else await FeaturizeBenchmark.RunAsync(args is ["featurize", .. var rest] ? rest : args);
