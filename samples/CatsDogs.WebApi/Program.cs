using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;
using OpenTelemetry.Metrics;
using TransferLearning.ImageClassification.Classification;
using TransferLearning.ImageClassification.Explanations;
using TransferLearning.ImageClassification.Hosting;
using TransferLearning.ImageClassification.Plots;
using TransferLearning.ImageClassification.Preprocessing;
using TransferLearning.ImageClassification.Training;
using TransferLearning.ImageClassification.IO;

// The served classifier: a page to try it at GET /, POST /predict and POST /explain (multipart, one file field "image"), GET /model, GET /health,
// GET /metrics (Prometheus), GET /openapi/v1.json. The model comes from Classifier:ModelPath (environment
// Classifier__ModelPath), by default the main job's out/model.zip.
var builder = WebApplication.CreateBuilder(args);
builder.Services.AddTransferClassifier(builder.Configuration);
builder.Services.AddProblemDetails();
builder.Services.AddOpenApi();
builder.Services.AddOpenTelemetry().WithMetrics(metrics => metrics.AddMeter(ServedClassifier.MeterName).AddPrometheusExporter());
// A number that is not finite is written as null, as in the library's reports: a response never fails on a number.
builder.Services.ConfigureHttpJsonOptions(json =>
{
    foreach (var converter in JsonReport.Options.Converters) json.SerializerOptions.Converters.Add(converter);
});
var app = builder.Build();
var limit = app.Services.GetRequiredService<IOptions<ClassifierOptions>>().Value.MaxRequestBytes;

app.MapPost("/predict", async (HttpRequest request, ServedClassifier classifier, CancellationToken token) =>
{
    var read = await ReadImageAsync(request, classifier, token);
    if (read.Image is not { } image) return read.Problem!;
    var answer = await classifier.PredictAsync(image, token);
    return answer.Prediction is { } prediction ? Results.Ok(PredictionResponse.From(prediction)) : Problem(400, answer.Error ?? "Not a usable image.");
})
    .DisableAntiforgery()
    .Accepts<IFormFile>("multipart/form-data")
    .Produces<PredictionResponse>()
    .ProducesProblem(400).ProducesProblem(413).ProducesProblem(503)
    .WithSummary("Classify one image (form field 'image').");

app.MapPost("/explain", async (HttpRequest request, ServedClassifier classifier, CancellationToken token) =>
{
    var read = await ReadImageAsync(request, classifier, token);
    if (read.Image is not { } image) return read.Problem!;
    Explanation explanation;
    try
    {
        explanation = await classifier.ExplainAsync(image, request.Query["target"].FirstOrDefault(), token);
    }
    catch (Exception e) when (e is ImageDecodeException or ArgumentException)
    {
        return Problem(400, e.Message);
    }
    catch (NotSupportedException e)
    {
        return Problem(501, e.Message);
    }
    var width = Math.Min(640, Math.Max(400, explanation.ImageWidth));
    var height = (int)Math.Round(width * (double)explanation.ImageHeight / explanation.ImageWidth) + 60; // + the title
    var png = ExplanationPlot.Create(image, explanation).GetImageBytes(width, Math.Clamp(height, 160, 2000), ScottPlot.ImageFormat.Png);
    if (request.GetTypedHeaders().Accept.Any(a => a.MediaType.Equals("image/png", StringComparison.OrdinalIgnoreCase)))
        return Results.File(png, "image/png");
    return Results.Ok(new ExplanationResponse(
        PredictionResponse.From(explanation.Prediction), explanation.Target,
        new HeatmapResponse(explanation.Heatmap.Width, explanation.Heatmap.Height, explanation.Heatmap.Values.ToArray()), Convert.ToBase64String(png)));
})
    .DisableAntiforgery()
    .Accepts<IFormFile>("multipart/form-data")
    .Produces<ExplanationResponse>() // or, with Accept: image/png, the overlay alone (one 200 response per endpoint in OpenAPI's model)
    .ProducesProblem(400).ProducesProblem(413).ProducesProblem(501).ProducesProblem(503)
    .WithSummary("Classify one image and show why: its class-activation heatmap and an overlay PNG (Accept: image/png for the PNG alone); ?target=CLASS explains another class.");

app.MapGet("/model", (ServedClassifier classifier) => classifier.Model is { } model
    ? Results.Ok(new ModelResponse(model.Classes, model.Backbone, model.InputSize))
    : Problem(503, classifier.LoadError ?? "No model is loaded yet."))
    .Produces<ModelResponse>()
    .ProducesProblem(503)
    .WithSummary("The model being served: its classes, backbone and input size.");

app.UseDefaultFiles(); // GET /: wwwroot/index.html, a page to drop an image on
app.UseStaticFiles();
app.MapHealthChecks("/health");
app.MapOpenApi();
app.MapPrometheusScrapingEndpoint();
app.Run();

// The image of a multipart request, or the problem that answers it instead.
async Task<(byte[]? Image, IResult? Problem)> ReadImageAsync(HttpRequest request, ServedClassifier classifier, CancellationToken token)
{
    if (request.HttpContext.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } bodyLimit) bodyLimit.MaxRequestBodySize = limit;
    if (request.ContentLength > limit) return (null, TooLarge());
    if (!request.HasFormContentType) return (null, Problem(400, "Send a multipart form with one file field named 'image'."));
    if (classifier.Model is null) return (null, Problem(503, classifier.LoadError ?? "No model is loaded yet."));
    try
    {
        var form = await request.ReadFormAsync(token);
        if (form.Files.GetFile("image") is not { } file) return (null, Problem(400, "The form has no file field named 'image'."));
        using var buffer = new MemoryStream();
        await file.CopyToAsync(buffer, token);
        return (buffer.ToArray(), null);
    }
    catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
    {
        return (null, TooLarge());
    }
}

IResult TooLarge() => Problem(413, $"The request is larger than {limit} bytes (Classifier:MaxRequestBytes).");

static IResult Problem(int status, string detail) => Results.Problem(detail: detail, statusCode: status);

/// <summary>The web application; public for WebApplicationFactory in the tests.</summary>
public partial class Program;

/// <summary>One class's probability.</summary>
/// <param name="Label">The class.</param>
/// <param name="Probability">Its probability.</param>
internal sealed record ScoreResponse(string Label, float Probability);

/// <summary>What the classifier says about one image.</summary>
/// <param name="Label">The most probable class.</param>
/// <param name="Probability">Its probability.</param>
/// <param name="Scores">Every class's probability, in the model's class order.</param>
/// <param name="Novelty">How unlike the training images it is (about 1 for them, higher is less familiar); null when the model has no novelty detector.</param>
/// <param name="NoveltyThreshold">The novelty above which an image is unfamiliar; null without a detector.</param>
/// <param name="Unfamiliar">Whether the image looks like none of the classes (its label is then a guess).</param>
internal sealed record PredictionResponse(
    string Label, float Probability, IReadOnlyList<ScoreResponse> Scores, float? Novelty, float? NoveltyThreshold, bool Unfamiliar)
{
    public static PredictionResponse From(Prediction prediction) =>
        new(prediction.Label, prediction.Probability, [.. prediction.Scores.Select(s => new ScoreResponse(s.Label, s.Probability))],
            prediction.Novelty, prediction.NoveltyThreshold, prediction.IsUnfamiliar);
}

/// <summary>A heatmap at the feature map's resolution, row by row.</summary>
/// <param name="Width">Columns.</param>
/// <param name="Height">Rows.</param>
/// <param name="Values">Non-negative scores, row by row.</param>
internal sealed record HeatmapResponse(int Width, int Height, float[] Values);

/// <summary>A prediction and why.</summary>
/// <param name="Prediction">What the classifier says.</param>
/// <param name="Target">The class explained.</param>
/// <param name="Heatmap">Its class-activation heatmap.</param>
/// <param name="Overlay">The heatmap over the image, a PNG, base64.</param>
internal sealed record ExplanationResponse(PredictionResponse Prediction, string Target, HeatmapResponse Heatmap, string Overlay);

/// <summary>The model being served.</summary>
/// <param name="Classes">Its classes, in score order.</param>
/// <param name="Backbone">Its backbone.</param>
/// <param name="InputSize">The backbone's input size.</param>
internal sealed record ModelResponse(IReadOnlyList<string> Classes, string Backbone, string InputSize);
