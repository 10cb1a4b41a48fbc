using System.CommandLine;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using NotificationService.Cli.Tree;

namespace NotificationService.Cli.Commands;

/// <summary>
/// `pull DIR --tenant ID`: the tenant's export, written as a tree. Reads the operator's export route, so the key is a
/// platform key (`--key` or NOTIFICATIONS_KEY); the service is `--url` or NOTIFICATIONS_URL.
/// </summary>
internal static class PullCommand
{
    public static Command Create()
    {
        var dir = new Argument<DirectoryInfo>("dir") { Description = "Where to write the tree (created if missing)" };
        var tenant = new Option<Guid>("--tenant") { Description = "The tenant's id", Required = true };
        var url = new Option<string?>("--url") { Description = "The service's base URL (default: NOTIFICATIONS_URL)" };
        var key = new Option<string?>("--key") { Description = "A platform key (default: NOTIFICATIONS_KEY)" };
        var command = new Command("pull", "Write a tenant's configuration into a directory, one readable file per object") { dir, tenant, url, key };
        command.SetAction(async (r, ct) =>
        {
            var baseUrl = r.GetValue(url) ?? Environment.GetEnvironmentVariable("NOTIFICATIONS_URL");
            var apiKey = r.GetValue(key) ?? Environment.GetEnvironmentVariable("NOTIFICATIONS_KEY");
            if (string.IsNullOrEmpty(baseUrl) || string.IsNullOrEmpty(apiKey))
            {
                Console.Error.WriteLine("Name the service and a key: --url and --key, or NOTIFICATIONS_URL and NOTIFICATIONS_KEY.");
                return 2;
            }
            using var http = new HttpClient { BaseAddress = new Uri(baseUrl.TrimEnd('/') + "/") };
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", apiKey);
            return await RunAsync(http, r.GetValue(tenant), r.GetRequiredValue(dir).FullName, Console.Out, Console.Error, ct);
        });
        return command;
    }

    public static async Task<int> RunAsync(HttpClient http, Guid tenant, string directory, TextWriter output, TextWriter errors, CancellationToken ct)
    {
        using var response = await http.GetAsync($"api/v1/platform/tenants/{tenant}/export", ct);
        var body = await response.Content.ReadAsStringAsync(ct);
        if (!response.IsSuccessStatusCode)
        {
            errors.WriteLine($"The service answered {(int)response.StatusCode}: {body}");
            return 1;
        }
        var tree = ConfigTree.FromExport(JsonNode.Parse(body)!.AsObject());
        Directory.CreateDirectory(directory);
        tree.WriteTo(directory);
        output.WriteLine($"{tree.Files.Count} files written to {directory}.");
        return 0;
    }
}
