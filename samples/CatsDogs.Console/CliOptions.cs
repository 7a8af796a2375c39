using System.CommandLine;
using System.Globalization;
using TransferLearning.ImageClassification.Backbones;
using TransferLearning.ImageClassification.Downloads;
using TransferLearning.ImageClassification.Features;

namespace CatsDogs.Console;

/// <summary>
/// The options several commands share, made once per command line (each command adds the same instance), and what
/// the commands read from them: the data, the runtime, the model path, the backbone.
/// </summary>
internal sealed class CliOptions
{
    public CliOptions()
    {
        ImageSize.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<int?>() is { } size
                and (< BackboneSpec.MinInputSide or > BackboneSpec.MaxInputSide))
            {
                r.AddError(
                    $"--image-size must be between {BackboneSpec.MinInputSide} and {BackboneSpec.MaxInputSide} " +
                    $"(got {size}).");
            }
        });
        Normalization.AcceptOnlyFromAmong([.. BackboneChoice.Normalizations]);
        Precision.AcceptOnlyFromAmong("fp32", "int8");
    }

    /// <summary>A count option that must be 1 or more, with its default.</summary>
    public static Option<int> Count(string name, string description, int defaultValue)
    {
        var option = new Option<int>(name) { Description = description, DefaultValueFactory = _ => defaultValue };
        option.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<int>() < 1)
                r.AddError($"{name} must be 1 or more (got {r.GetValueOrDefault<int>()}).");
        });
        return option;
    }

    public Option<DirectoryInfo?> Data { get; } = new("--data")
    {
        Description = "Folder with one sub-folder of images per class " +
            "(default: the bundled assets/fashion-mnist/train).",
    };

    public Option<DirectoryInfo?> TestData { get; } = new("--test-data")
    {
        Description = "Separate test folder; without it the test part comes from --data's split " +
            "(with the bundled data: assets/fashion-mnist/test).",
    };

    public Option<string> Backbone { get; } = new("--backbone")
    {
        Description = "Catalogue backbone (see `backbones`) or an .onnx classifier file.",
        DefaultValueFactory = _ => "resnet18-layer3",
    };

    public Option<int?> ImageSize { get; } = new("--image-size")
    {
        Description = "Square input size instead of the backbone's own, e.g. 160 as in the article " +
            $"({BackboneSpec.MinInputSide}-{BackboneSpec.MaxInputSide}).",
    };

    public Option<string> Normalization { get; } = new("--normalization")
    {
        Description = "What an .onnx --backbone expects: torch, tf, caffe, or raw (0..255 RGB, as quantize's files).",
        DefaultValueFactory = _ => "torch",
    };

    public Option<DirectoryInfo?> Models { get; } = new("--models")
    {
        Description = $"Folder of downloaded backbones (default: ${ModelStoreOptions.DirectoryVariable} " +
            "or the user cache).",
    };

    public Option<int> Seed { get; } = new("--seed")
    {
        Description = "Split and head seed.",
        DefaultValueFactory = _ => 42,
    };

    public Option<DirectoryInfo> Cache { get; } = new("--cache")
    {
        Description = "Feature cache folder.",
        DefaultValueFactory = _ => new DirectoryInfo(FeaturizerOptions.DefaultCacheDirectory),
    };

    public Option<DirectoryInfo> Output { get; } = new("--out")
    {
        Description = "Folder for the model and the report.",
        DefaultValueFactory = _ => new DirectoryInfo("out"),
    };

    public Option<FileInfo?> Report { get; } = new("--report")
    {
        Description = "JSON report path (default: <out>/report.json, <out>/evaluation.json for evaluate).",
    };

    public Option<string> Precision { get; } = new("--precision")
    {
        Description = "Backbone precision: fp32, or int8 (static quantization calibrated on 256 training images; " +
            "about 3x the images per second on CPUs with VNNI).",
        DefaultValueFactory = _ => "fp32",
    };

    public Option<bool> Flip { get; } = new("--flip")
    {
        Description = "Also featurize each image's mirror image: twice the training data and test-time averaging, " +
            "twice the backbone work.",
    };

    public Option<FileInfo?> Model { get; } = new("--model")
    {
        Description = "Model file written by train (default: <out>/model.zip).",
    };

    public Option<bool> Json { get; } = new("--json") { Description = "Machine-readable output." };

    public Option<int?> Gpu { get; } = new("--gpu")
    {
        Description = "Run the backbone on CUDA device N (default 0); needs the GPU build " +
            "(-p:OnnxRuntimeFlavor=Gpu). Fails naming what is missing unless --cpu-fallback.",
        Arity = ArgumentArity.ZeroOrOne,
        CustomParser = r =>
        {
            if (r.Tokens.Count == 0) return 0;
            if (int.TryParse(r.Tokens[0].Value, NumberStyles.None, CultureInfo.InvariantCulture, out var id))
                return id;
            r.AddError($"--gpu takes a CUDA device number such as 0 (got '{r.Tokens[0].Value}').");
            return null;
        },
    };

    public Option<bool> CpuFallback { get; } = new("--cpu-fallback")
    {
        Description = "With --gpu: warn and use the CPU when CUDA is unusable.",
    };

    public Argument<FileInfo[]> Images { get; } = new("images")
    {
        Description = "Image files to classify.",
        Arity = ArgumentArity.OneOrMore,
    };

    /// <summary>featurize's and quantize's --data: required, with no bundled default.</summary>
    public Option<DirectoryInfo> FeatureData { get; } = new("--data")
    {
        Description = "Folder with one sub-folder of images per class.",
        Required = true,
    };

    public DataChoice DataChoice(ParseResult r) =>
        new(r.GetValue(Data), r.GetValue(TestData), r.GetValue(Seed), r.GetValue(Cache)!);

    public FeaturizerOptions Runtime(ParseResult r) =>
        new() { Device = Device(r), ModelStore = Store(r.GetValue(Models)) };

    /// <summary>The model store in --models, else the default folder.</summary>
    public static ModelStore Store(DirectoryInfo? models) =>
        models is null ? new ModelStore() : new ModelStore(new ModelStoreOptions { Directory = models.FullName });

    /// <summary>--model, else <c>&lt;out&gt;/model.zip</c>.</summary>
    public FileInfo ModelPath(ParseResult r) =>
        r.GetValue(Model) ?? new FileInfo(Path.Combine(r.GetValue(Output)!.FullName, "model.zip"));

    /// <summary>--backbone with --image-size and --normalization.</summary>
    public BackboneSpec ChosenBackbone(ParseResult r) => ResolveBackbone(r, r.GetValue(Backbone)!);

    /// <summary>A backbone name or .onnx file, with --image-size and --normalization.</summary>
    public BackboneSpec ResolveBackbone(ParseResult r, string name) =>
        BackboneChoice.Resolve(name, r.GetValue(ImageSize), r.GetValue(Normalization)!);

    private ExecutionDevice Device(ParseResult r) =>
        r.GetValue(Gpu) is { } id ? ExecutionDevice.Cuda(id, r.GetValue(CpuFallback)) : ExecutionDevice.Cpu;
}
