using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Npgsql;
using NotificationService.Tests.Features.People.Recipients;
using NotificationService.Tests.Support;

namespace NotificationService.Tests.Features.Administration.Privacy;

/// <summary>Erase and export as the specs speak them, and the sweep that looks for a value in every column of every table.</summary>
public static class PrivacyApi
{
    /// <summary>DELETE /users/{userId}: 202 with the erase job; its id.</summary>
    public static async Task<Guid> EraseAsync(this HttpClient http, string userId, bool block = false)
    {
        var response = await http.DeleteAsync(RecipientsApi.Of(userId) + (block ? "?block=true" : ""));
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Accepted, $"DELETE {userId}: {(int)response.StatusCode} {text}");
        var body = JsonNode.Parse(text)!;
        Assert.Equal(response.Headers.Location!.OriginalString, body["statusUrl"]!.GetValue<string>());
        return Guid.Parse(body["jobId"]!.GetValue<string>());
    }

    public static string StatusOf(Guid jobId) => $"{RecipientsApi.Users}/erasures/{jobId}";

    /// <summary>Polls the erase job's status until it is completed; its last status.</summary>
    public static Task<JsonNode> WaitErasedAsync(this HttpClient http, Guid jobId, int timeoutMs = 60_000) =>
        Eventually.Async(async () => (await http.GetFromJsonAsync<JsonNode>(StatusOf(jobId)))!, s => s["status"]!.GetValue<string>() == "completed",
            $"erase job {jobId} to complete", TimeSpan.FromMilliseconds(timeoutMs));

    public static long Count(this JsonNode status, string name) => status["counts"]?[name]?.GetValue<long>() ?? 0;

    /// <summary>
    /// Every place in the database that holds <paramref name="value"/>: <see cref="DatabaseSweep"/>, which fails here when it
    /// finds too few columns to be trusted (a blind sweep would pass every erase).
    /// </summary>
    public static async Task<List<string>> WhereStoredAsync(NpgsqlDataSource db, string value)
    {
        var columns = await DatabaseSweep.ColumnsAsync(db);
        Assert.True(columns.Count > 50, $"the sweep found only {columns.Count} columns: it is blind");
        Assert.Contains(columns, c => c.Table == "bulk_file_chunks" && c.Type == "bytea");
        return await DatabaseSweep.WhereStoredAsync(db, columns, value);
    }
}
