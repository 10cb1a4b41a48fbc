using System.CommandLine;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;

namespace NotificationService.Cli.Commands;

/// <summary>
/// The options of every command that talks to the service: `--tenant`, and `--url`/`--key` or NOTIFICATIONS_URL and
/// NOTIFICATIONS_KEY (so a key need not be on a command line). The tenant's configuration is read through the
/// operator's export route, so the key is a platform key.
/// </summary>
internal sealed class ServiceOptions
{
    private Option<Guid> Tenant { get; } = new("--tenant") { Description = "The tenant's id", Required = true };
    private readonly Option<string?> url = new("--url") { Description = "The service's base URL (default: NOTIFICATIONS_URL)" };
    private readonly Option<string?> key = new("--key") { Description = "A platform key (default: NOTIFICATIONS_KEY)" };

    /// <summary>A command on a tree directory and a tenant: <paramref name="run"/> gets a client for the service.</summary>
    public static Command Create(string name, string description, string dirDescription,
        Func<HttpClient, Guid, string, CancellationToken, Task<int>> run)
    {
        var dir = new Argument<DirectoryInfo>("dir") { Description = dirDescription };
        var options = new ServiceOptions();
        var command = new Command(name, description) { dir, options.Tenant, options.url, options.key };
        command.SetAction(async (r, ct) =>
        {
            if (options.Connect(r, Console.Error) is not { } http) return 2;
            using (http) return await run(http, r.GetValue(options.Tenant), r.GetRequiredValue(dir).FullName, ct);
        });
        return command;
    }

    /// <summary>A client for the service, or null (the reason on <paramref name="errors"/>) when either is missing.</summary>
    private HttpClient? Connect(ParseResult parsed, TextWriter errors)
    {
        var baseUrl = parsed.GetValue(url) ?? Environment.GetEnvironmentVariable("NOTIFICATIONS_URL");
        var apiKey = parsed.GetValue(key) ?? Environment.GetEnvironmentVariable("NOTIFICATIONS_KEY");
        if (string.IsNullOrEmpty(baseUrl) || string.IsNullOrEmpty(apiKey))
        {
            errors.WriteLine("Name the service and a key: --url and --key, or NOTIFICATIONS_URL and NOTIFICATIONS_KEY.");
            return null;
        }
        var http = new HttpClient { BaseAddress = new Uri(baseUrl.TrimEnd('/') + "/") };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", apiKey);
        return http;
    }

    /// <summary>The tenant's export document, or null with the service's answer on <paramref name="errors"/>.</summary>
    public static async Task<JsonObject?> ExportAsync(HttpClient http, Guid tenant, TextWriter errors, CancellationToken ct)
    {
        using var response = await http.GetAsync($"api/v1/platform/tenants/{tenant}/export", ct);
        var body = await response.Content.ReadAsStringAsync(ct);
        if (response.IsSuccessStatusCode) return JsonNode.Parse(body)!.AsObject();
        errors.WriteLine($"The service answered {(int)response.StatusCode}: {body}");
        return null;
    }
}
