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
    /// Every place in the database that holds <paramref name="value"/>: each text, varchar, json, jsonb and text[] column of
    /// every table (information_schema.columns, so a table added later is searched too), case-insensitively, and each
    /// bytea column for the value's UTF-8 bytes as written and lower-cased (uploaded CSV files are bytea; TOAST's lz4 is
    /// undone by PostgreSQL when the value is read, so the search sees the CSV text).
    /// </summary>
    public static async Task<List<string>> WhereStoredAsync(NpgsqlDataSource db, string value)
    {
        var columns = new List<(string Table, string Column, string Type)>();
        await using (var cmd = db.CreateCommand("""
            select c.table_name, c.column_name, c.data_type from information_schema.columns c
            join information_schema.tables t on t.table_schema = c.table_schema and t.table_name = c.table_name and t.table_type = 'BASE TABLE'
            where c.table_schema = 'public' and (c.data_type in ('text', 'character varying', 'json', 'jsonb', 'bytea') or c.udt_name in ('_text', '_varchar'))
            order by 1, 2
            """))
        await using (var r = await cmd.ExecuteReaderAsync())
            while (await r.ReadAsync()) columns.Add((r.GetString(0), r.GetString(1), r.GetString(2)));
        Assert.True(columns.Count > 50, $"the sweep found only {columns.Count} columns: it is blind");
        Assert.Contains(columns, c => c.Table == "bulk_file_chunks" && c.Type == "bytea");

        var found = new List<string>();
        foreach (var (table, column, type) in columns)
        {
            var sql = type == "bytea"
                ? $"select count(*) from \"{table}\" where position($1::bytea in \"{column}\") > 0 or position($2::bytea in \"{column}\") > 0"
                : $"select count(*) from \"{table}\" where strpos(lower(\"{column}\"::text), $1) > 0";
            await using var cmd = db.CreateCommand(sql);
            if (type == "bytea")
            {
                cmd.Parameters.AddWithValue(Encoding.UTF8.GetBytes(value));
                cmd.Parameters.AddWithValue(Encoding.UTF8.GetBytes(value.ToLowerInvariant()));
            }
            else cmd.Parameters.AddWithValue(value.ToLowerInvariant());
            if ((long)(await cmd.ExecuteScalarAsync())! > 0) found.Add($"{table}.{column}");
        }
        return found;
    }
}
