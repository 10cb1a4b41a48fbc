using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;

namespace NotificationService.Tests.Features.Sending.Bulk;

/// <summary>The CSV import of profiles as the specs speak it.</summary>
public static class ProfileImport
{
    public const string Path = "/api/v1/services/users/import";

    public static Task<HttpResponseMessage> PostAsync(HttpClient http, string csv, string? mode = null)
    {
        var form = new MultipartFormDataContent();
        if (mode is not null) form.Add(new StringContent(mode), "mode");
        var file = new ByteArrayContent(Encoding.UTF8.GetBytes(csv));
        file.Headers.ContentType = new MediaTypeHeaderValue("text/csv");
        form.Add(file, "file", "profiles.csv");
        return http.PostAsync(Path, form);
    }

    /// <summary>Uploads, expecting 202; the job id.</summary>
    public static async Task<Guid> UploadAsync(HttpClient http, string csv, string? mode = null)
    {
        var response = await PostAsync(http, csv, mode);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Accepted, $"import: {(int)response.StatusCode} {text}");
        var body = JsonNode.Parse(text)!;
        Assert.Equal($"{Path}/{body["jobId"]}", body["statusUrl"]!.GetValue<string>());
        return Guid.Parse(body["jobId"]!.GetValue<string>());
    }

    public static Task<JsonNode> WaitFinishedAsync(HttpClient http, Guid jobId) =>
        Eventually.Async(async () => (await http.GetFromJsonAsync<JsonNode>($"{Path}/{jobId}"))!,
            s => s["status"]!.GetValue<string>() is "completed" or "failed" or "cancelled", $"profile import {jobId} to finish", TimeSpan.FromSeconds(60));
}
