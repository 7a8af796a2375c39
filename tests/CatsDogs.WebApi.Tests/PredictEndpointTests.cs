using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using TransferLearning.ImageClassification.Tests.Support;

namespace CatsDogs.WebApi.Tests;

/// <summary>The web sample's contract: POST /predict, GET /model, GET /health; hot reload under load.</summary>
public sealed class PredictEndpointTests(TwoModelsFixture models) : IClassFixture<TwoModelsFixture>
{
    private static WebApplicationFactory<Program> Serve(string modelPath, params (string Key, string Value)[] settings) =>
        new WebApplicationFactory<Program>().WithWebHostBuilder(host =>
        {
            host.UseSetting("Classifier:ModelPath", modelPath);
            host.UseSetting("Classifier:ReloadCheckInterval", "00:00:00.100");
            foreach (var (key, value) in settings) host.UseSetting(key, value);
        });

    private static MultipartFormDataContent Form(byte[] image, string field = "image")
    {
        var content = new ByteArrayContent(image);
        content.Headers.ContentType = new MediaTypeHeaderValue("image/png");
        return new MultipartFormDataContent { { content, field, "image.png" } };
    }

    private static async Task<JsonElement> Json(HttpResponseMessage response) =>
        JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;

    /// <summary>A copy of a model file that a test may replace without touching the fixture's.</summary>
    private string Copy(string model)
    {
        var path = Path.Combine(models.NewFolder(), "model.zip");
        File.Copy(model, path);
        return path;
    }

    /// <summary>Replaces <paramref name="target"/> the way a deployment should: write beside it, then rename over it.</summary>
    private static void Replace(string target, byte[] content)
    {
        var staged = target + ".new";
        File.WriteAllBytes(staged, content);
        File.Move(staged, target, overwrite: true);
    }

    private static async Task Eventually(Func<Task<bool>> condition, string what)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (!await condition())
        {
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(20), $"{what} did not happen within 20 s");
            await Task.Delay(100);
        }
    }

    [Fact]
    public async Task An_overconfident_head_shown_an_image_unlike_its_training_ones_still_gets_probabilities()
    {
        // The two-class model with every weight multiplied by 1e36: scores overflow to ±∞ on any image.
        var path = Copy(models.TwoClasses);
        using (var zip = System.IO.Compression.ZipFile.Open(path, System.IO.Compression.ZipArchiveMode.Update))
        {
            var entry = zip.GetEntry("head.bin")!;
            var parameters = new float[entry.Length / sizeof(float)];
            using (var stream = entry.Open()) stream.ReadExactly(System.Runtime.InteropServices.MemoryMarshal.AsBytes(parameters.AsSpan()));
            entry.Delete();
            using var rewritten = zip.CreateEntry("head.bin").Open();
            rewritten.Write(System.Runtime.InteropServices.MemoryMarshal.AsBytes(parameters.Select(p => p * 1e36f).ToArray().AsSpan()));
        }
        var noise = new byte[640 * 480 * 4];
        new Random(3).NextBytes(noise);
        await using var app = Serve(path);
        using var client = app.CreateClient();

        using var response = await client.PostAsync("/predict", Form(TransferLearning.ImageClassification.Tests.Support.TestImages.EncodePixels(SkiaSharp.SKEncodedImageFormat.Jpeg, 640, 480, noise)));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var scores = (await Json(response)).GetProperty("scores").EnumerateArray().Select(s => s.GetProperty("probability").GetSingle()).ToArray();
        Assert.All(scores, p => Assert.InRange(p, 0f, 1f));
        Assert.Equal(1.0, scores.Sum(), 4);
    }

    [Fact]
    public async Task Explain_answers_the_prediction_the_heatmap_and_an_overlay_png_or_the_png_alone()
    {
        await using var app = Serve(models.TwoClasses);
        using var client = app.CreateClient();
        var image = models.Images[0];

        using var response = await client.PostAsync("/explain", Form(image));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var json = await Json(response);
        var expected = models.Reference.Predict(image);
        Assert.Equal(expected.Label, json.GetProperty("prediction").GetProperty("label").GetString());
        Assert.Equal(expected.Label, json.GetProperty("target").GetString());
        var heatmap = json.GetProperty("heatmap");
        Assert.Equal((7, 7, 49), (heatmap.GetProperty("width").GetInt32(), heatmap.GetProperty("height").GetInt32(), heatmap.GetProperty("values").GetArrayLength()));
        Assert.Equal([0x89, (byte)'P', (byte)'N', (byte)'G'], Convert.FromBase64String(json.GetProperty("overlay").GetString()!)[..4]);

        using var request = new HttpRequestMessage(HttpMethod.Post, "/explain") { Content = Form(image) };
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("image/png"));
        using var png = await client.SendAsync(request);
        Assert.Equal("image/png", png.Content.Headers.ContentType?.MediaType);
        Assert.Equal([0x89, (byte)'P', (byte)'N', (byte)'G'], (await png.Content.ReadAsByteArrayAsync())[..4]);

        using var unknown = await client.PostAsync("/explain?target=zebra", Form(image));
        Assert.Equal(HttpStatusCode.BadRequest, unknown.StatusCode);
    }

    [Fact]
    public async Task The_answer_says_how_unfamiliar_the_image_is_and_metrics_count_the_unfamiliar_ones()
    {
        await using var app = Serve(models.TwoClasses);
        using var client = app.CreateClient();
        var noise = new byte[80 * 60 * 4];
        new Random(3).NextBytes(noise);
        var unlike = TestImages.EncodePixels(SkiaSharp.SKEncodedImageFormat.Png, 80, 60, noise);

        var familiar = await Json(await client.PostAsync("/predict", Form(models.Images[0])));
        var unfamiliar = await Json(await client.PostAsync("/predict", Form(unlike)));
        var metrics = await client.GetStringAsync("/metrics");

        Assert.Equal(models.Reference.Predict(models.Images[0]).Novelty, familiar.GetProperty("novelty").GetSingle());
        Assert.Equal(models.Reference.Predict(unlike).Novelty, unfamiliar.GetProperty("novelty").GetSingle());
        Assert.Equal(models.Reference.NoveltyThreshold, unfamiliar.GetProperty("noveltyThreshold").GetSingle());
        Assert.True(unfamiliar.GetProperty("unfamiliar").GetBoolean(), unfamiliar.GetRawText());
        Assert.Matches(@"(?m)^classifier_unfamiliar\w*(\{[^}]*\})? 1(\s|$)", metrics);
    }

    [Fact]
    public async Task Openapi_describes_every_endpoint_and_metrics_serve_the_meter_in_prometheus_text()
    {
        await using var app = Serve(models.TwoClasses);
        using var client = app.CreateClient();
        Assert.Equal(HttpStatusCode.OK, (await client.PostAsync("/predict", Form(models.Images[0]))).StatusCode);

        var openApi = await Json(await client.GetAsync("/openapi/v1.json"));
        var metrics = await client.GetStringAsync("/metrics");

        var paths = openApi.GetProperty("paths");
        foreach (var path in new[] { "/predict", "/explain", "/model" }) Assert.True(paths.TryGetProperty(path, out _), $"{path} not in {openApi.GetRawText()[..Math.Min(600, openApi.GetRawText().Length)]}");
        Assert.Contains("application/problem+json", paths.GetProperty("/explain").GetRawText());
        var schemas = openApi.GetProperty("components").GetProperty("schemas");
        Assert.True(schemas.TryGetProperty("ExplanationResponse", out _), string.Join(", ", schemas.EnumerateObject().Select(p => p.Name)));
        Assert.Contains("classifier_predictions", metrics);
        Assert.Contains("classifier_batch_size", metrics);
    }

    [Fact]
    public async Task Predict_answers_the_label_probability_and_every_score_as_the_library_does()
    {
        await using var app = Serve(models.TwoClasses);
        using var client = app.CreateClient();

        var response = await client.PostAsync("/predict", Form(models.Images[0]));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var json = await Json(response);
        var expected = models.Reference.Predict(models.Images[0]);
        Assert.Equal(expected.Label, json.GetProperty("label").GetString());
        Assert.Equal(expected.Probability, json.GetProperty("probability").GetSingle(), 1e-4);
        Assert.Equal(expected.Scores.Select(s => s.Label), json.GetProperty("scores").EnumerateArray().Select(s => s.GetProperty("label").GetString()));
    }

    [Fact]
    public async Task A_file_that_is_not_a_usable_image_gets_400_problem_details_with_the_reason()
    {
        await using var app = Serve(models.TwoClasses);
        using var client = app.CreateClient();

        var response = await client.PostAsync("/predict", Form("not an image at all"u8.ToArray()));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("not a supported image format", (await Json(response)).GetProperty("detail").GetString());
    }

    [Fact]
    public async Task A_form_without_an_image_field_gets_400()
    {
        await using var app = Serve(models.TwoClasses);
        using var client = app.CreateClient();

        var response = await client.PostAsync("/predict", Form(models.Images[0], field: "photo"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("'image'", (await Json(response)).GetProperty("detail").GetString());
    }

    [Fact]
    public async Task A_body_over_the_limit_gets_413()
    {
        await using var app = Serve(models.TwoClasses, ("Classifier:MaxRequestBytes", "1000"));
        using var client = app.CreateClient();

        var response = await client.PostAsync("/predict", Form(new byte[5000]));

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Contains("Classifier:MaxRequestBytes", (await Json(response)).GetProperty("detail").GetString());
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Sixty_four_concurrent_requests_each_get_the_answer_a_sequential_prediction_gives(bool batching)
    {
        await using var app = Serve(models.TwoClasses, ("Classifier:Batching", batching.ToString()));
        using var client = app.CreateClient();
        var expected = models.Images.Select(i => models.Reference.Predict(i)).ToArray();

        var responses = await Task.WhenAll(Enumerable.Range(0, 64).Select(async n =>
        {
            var response = await client.PostAsync("/predict", Form(models.Images[n % models.Images.Count]));
            return (n, response.StatusCode, Json: await Json(response));
        }));

        Assert.All(responses, r =>
        {
            Assert.Equal(HttpStatusCode.OK, r.StatusCode);
            var wanted = expected[r.n % expected.Length];
            Assert.Equal(wanted.Label, r.Json.GetProperty("label").GetString());
            Assert.Equal(wanted.Probability, r.Json.GetProperty("probability").GetSingle(), 1e-4);
        });
        // With batching on, the requests that queue while one runs share a backbone batch.
        var metrics = await client.GetStringAsync("/metrics");
        var (images, batches) = (Histogram(metrics, "sum"), Histogram(metrics, "count"));
        Assert.Equal(64, images);
        if (batching) Assert.True(batches < images, $"{batches} batches for {images} images");
        else Assert.Equal(images, batches);
    }

    /// <summary>The sum or count of the batch-size histogram, from the Prometheus text.</summary>
    private static double Histogram(string prometheus, string part) =>
        double.Parse(System.Text.RegularExpressions.Regex.Match(prometheus, $@"^classifier_batch_size\w*_{part}(\{{[^}}]*\}})? (\S+)", System.Text.RegularExpressions.RegexOptions.Multiline).Groups[2].Value,
            System.Globalization.CultureInfo.InvariantCulture);

    [Fact]
    public async Task Model_and_health_describe_what_is_served()
    {
        await using var app = Serve(models.TwoClasses);
        using var client = app.CreateClient();

        var model = await Json(await client.GetAsync("/model"));
        var health = await client.GetAsync("/health");

        Assert.Equal(models.Reference.Classes, model.GetProperty("classes").EnumerateArray().Select(c => c.GetString()));
        Assert.Equal("resnet18", model.GetProperty("backbone").GetString());
        Assert.Equal("224x224", model.GetProperty("inputSize").GetString());
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        Assert.Equal("Healthy", await health.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task A_replaced_model_file_is_served_within_seconds_and_no_request_fails_meanwhile()
    {
        var path = Copy(models.TwoClasses);
        await using var app = Serve(path);
        using var client = app.CreateClient();
        using var stop = new CancellationTokenSource();
        var statuses = new System.Collections.Concurrent.ConcurrentBag<HttpStatusCode>();
        var load = Enumerable.Range(0, 4).Select(n => Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
                statuses.Add((await client.PostAsync("/predict", Form(models.Images[n]))).StatusCode);
        })).ToArray();

        await Task.Delay(300);
        Replace(path, File.ReadAllBytes(models.ThreeClasses));
        await Eventually(async () => (await Json(await client.GetAsync("/model"))).GetProperty("classes").GetArrayLength() == 3, "serving the 3-class model");
        await Task.Delay(300);
        await stop.CancelAsync();
        await Task.WhenAll(load);

        Assert.True(statuses.Count > 10, $"only {statuses.Count} requests ran");
        Assert.All(statuses, s => Assert.Equal(HttpStatusCode.OK, s));
        var after = await Json(await client.PostAsync("/predict", Form(models.Images[0])));
        Assert.Equal(3, after.GetProperty("scores").GetArrayLength());
    }

    [Fact]
    public async Task A_replacement_that_does_not_load_leaves_the_old_model_serving_and_the_health_check_says_why()
    {
        var path = Copy(models.TwoClasses);
        await using var app = Serve(path);
        using var client = app.CreateClient();
        Assert.Equal("Healthy", await (await client.GetAsync("/health")).Content.ReadAsStringAsync());

        Replace(path, "this is not a model"u8.ToArray());
        await Eventually(async () => await (await client.GetAsync("/health")).Content.ReadAsStringAsync() == "Degraded", "the health check degrading");

        var response = await client.PostAsync("/predict", Form(models.Images[0]));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(2, (await Json(response)).GetProperty("scores").GetArrayLength());
    }
}
