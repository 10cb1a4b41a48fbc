using System.CommandLine;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using NotificationService.Cli.Tree;

namespace NotificationService.Cli.Commands;

/// <summary>The tenant's configuration as the service gave it, and its revision (null through the operator's route).</summary>
internal sealed record Snapshot(JsonObject Export, string? Revision);

/// <summary>
/// The options of every command that talks to the service: `--url`/`--key` or NOTIFICATIONS_URL and NOTIFICATIONS_KEY (so
/// a key need not be on a command line). The key is a tenant's admin key or a member's token, and the tenant is the key's;
/// with `--tenant` it is an operator's platform key instead, and the tenant the one named (pull and diff only).
/// </summary>
internal sealed class ServiceOptions
{
    private readonly Option<Guid?> tenant = new("--tenant") { Description = "With a platform key: the tenant's id" };
    private readonly Option<string?> url = new("--url") { Description = "The service's base URL (default: NOTIFICATIONS_URL)" };
    private readonly Option<string?> key = new("--key") { Description = "An admin key or member token (default: NOTIFICATIONS_KEY)" };

    /// <summary>A command on a tree directory: <paramref name="run"/> gets a client for the service and the tenant, if named.</summary>
    public static Command Create(string name, string description, string dirDescription,
        Func<HttpClient, Guid?, string, ParseResult, CancellationToken, Task<int>> run, params Option[] more)
    {
        var dir = new Argument<DirectoryInfo>("dir") { Description = dirDescription };
        var options = new ServiceOptions();
        var command = new Command(name, description) { dir, options.tenant, options.url, options.key };
        foreach (var option in more) command.Options.Add(option);
        command.SetAction(async (r, ct) =>
        {
            if (Connect(r.GetValue(options.url), "NOTIFICATIONS_URL", r.GetValue(options.key), "NOTIFICATIONS_KEY", Console.Error)
                is not { } http) return 2;
            using (http) return await run(http, r.GetValue(options.tenant), r.GetRequiredValue(dir).FullName, r, ct);
        });
        return command;
    }

    /// <summary>A client for the service, or null (the reason on <paramref name="errors"/>) when either is missing.</summary>
    public static HttpClient? Connect(string? baseUrl, string urlVariable, string? apiKey, string keyVariable, TextWriter errors)
    {
        baseUrl ??= Environment.GetEnvironmentVariable(urlVariable);
        apiKey ??= Environment.GetEnvironmentVariable(keyVariable);
        if (string.IsNullOrEmpty(baseUrl) || string.IsNullOrEmpty(apiKey))
        {
            errors.WriteLine($"Name the service and a key: the options, or {urlVariable} and {keyVariable}.");
            return null;
        }
        var http = new HttpClient { BaseAddress = new Uri(baseUrl.TrimEnd('/') + "/") };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", apiKey);
        return http;
    }

    /// <summary>The tenant's configuration, or null with the service's answer on <paramref name="errors"/>.</summary>
    public static async Task<Snapshot?> ExportAsync(HttpClient http, Guid? tenant, TextWriter errors, CancellationToken ct)
    {
        using var response = await http.GetAsync(tenant is { } id ? $"api/v1/platform/tenants/{id}/export" : "api/v1/admin/config", ct);
        var body = await response.Content.ReadAsStringAsync(ct);
        if (!response.IsSuccessStatusCode)
        {
            errors.WriteLine($"The service answered {(int)response.StatusCode}: {body}");
            return null;
        }
        var answer = JsonNode.Parse(body)!.AsObject();
        return tenant is null ? new Snapshot(answer["export"]!.AsObject(), (string?)answer["revision"]) : new Snapshot(answer, null);
    }

    /// <summary>The snapshot as a tree, or null (the reason on <paramref name="errors"/>) when an object cannot be a file.</summary>
    public static ConfigTree? Tree(Snapshot snapshot, TextWriter errors)
    {
        try { return ConfigTree.FromExport(snapshot.Export, snapshot.Revision); }
        catch (InvalidDataException e)
        {
            errors.WriteLine($"The tenant's configuration cannot be written as a tree: {e.Message}");
            return null;
        }
    }
}
