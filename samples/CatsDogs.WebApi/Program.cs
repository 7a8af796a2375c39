using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;
using TransferLearning.ImageClassification.Hosting;
using TransferLearning.ImageClassification.Training;

// The served classifier: POST /predict (multipart, one file field "image"), GET /model, GET /health.
// The model comes from Classifier:ModelPath (environment Classifier__ModelPath), by default the main job's out/model.zip.
var builder = WebApplication.CreateBuilder(args);
builder.Services.AddTransferClassifier(builder.Configuration);
builder.Services.AddProblemDetails();
// A number that is not finite is written as null, as in the library's reports: a response never fails on a number.
builder.Services.ConfigureHttpJsonOptions(json =>
{
    foreach (var converter in JsonReport.Options.Converters) json.SerializerOptions.Converters.Add(converter);
});
var app = builder.Build();
var limit = app.Services.GetRequiredService<IOptions<ClassifierOptions>>().Value.MaxRequestBytes;

app.MapPost("/predict", async (HttpRequest request, ServedClassifier classifier, CancellationToken token) =>
{
    if (request.HttpContext.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } bodyLimit) bodyLimit.MaxRequestBodySize = limit;
    if (request.ContentLength > limit) return TooLarge();
    if (!request.HasFormContentType) return Problem(400, "Send a multipart form with one file field named 'image'.");
    if (classifier.Model is null) return Problem(503, classifier.LoadError ?? "No model is loaded yet.");
    byte[] image;
    try
    {
        var form = await request.ReadFormAsync(token);
        if (form.Files.GetFile("image") is not { } file) return Problem(400, "The form has no file field named 'image'.");
        using var buffer = new MemoryStream();
        await file.CopyToAsync(buffer, token);
        image = buffer.ToArray();
    }
    catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
    {
        return TooLarge();
    }
    var answer = await classifier.PredictAsync(image, token);
    if (answer.Prediction is not { } prediction) return Problem(400, answer.Error ?? "Not a usable image.");
    return Results.Ok(new
    {
        label = prediction.Label,
        probability = prediction.Probability,
        scores = prediction.Scores.Select(s => new { label = s.Label, probability = s.Probability }),
    });
}).DisableAntiforgery();

app.MapGet("/model", (ServedClassifier classifier) => classifier.Model is { } model
    ? Results.Ok(new { classes = model.Classes, backbone = model.Backbone, inputSize = model.InputSize })
    : Problem(503, classifier.LoadError ?? "No model is loaded yet."));

app.MapHealthChecks("/health");
app.Run();

IResult TooLarge() => Problem(413, $"The request is larger than {limit} bytes (Classifier:MaxRequestBytes).");

static IResult Problem(int status, string detail) => Results.Problem(detail: detail, statusCode: status);

/// <summary>The web application; public for WebApplicationFactory in the tests.</summary>
public partial class Program;
