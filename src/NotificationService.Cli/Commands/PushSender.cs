using System.Net.Http.Json;
using System.Text.Json.Nodes;
using NotificationService.Cli.Tree;

namespace NotificationService.Cli.Commands;

/// <summary>Sends a push document and prints the answer: each change, or the refusal with the tree file it is about.</summary>
internal static class PushSender
{
    /// <summary>The revision the tenant has after the push (null when refused: the reason is on <paramref name="errors"/>).</summary>
    public static async Task<string?> SendAsync(HttpClient http, ConfigTree tree, JsonObject document, TextWriter output, TextWriter errors,
        CancellationToken ct)
    {
        using var response = await http.PostAsJsonAsync("api/v1/admin/config/push", document, ct);
        var body = await response.Content.ReadAsStringAsync(ct);
        var answer = body.Length > 0 && body.TrimStart().StartsWith('{') ? JsonNode.Parse(body)!.AsObject() : null;
        if (!response.IsSuccessStatusCode || answer is null)
        {
            errors.WriteLine($"The service refused the push ({(int)response.StatusCode}): {(string?)answer?["detail"] ?? body}");
            foreach (var (field, messages) in (JsonObject?)answer?["errors"] ?? [])
                foreach (var message in (JsonArray?)messages ?? [])
                    errors.WriteLine($"{TreePush.FileOf(tree, field) ?? field}: {message}");
            if ((string?)answer?["revision"] is not null) errors.WriteLine("Nothing was changed. Pull again (or push with --force).");
            return null;
        }
        var changes = (JsonArray?)answer["changes"] ?? [];
        foreach (var change in changes) output.WriteLine($"{change?["object"]}: {change?["action"]}");
        var applied = (bool?)answer["applied"] ?? false;
        output.WriteLine(changes.Count == 0 ? "No changes."
            : applied ? $"{changes.Count} changes applied."
            : $"{changes.Count} changes would be applied (dry run).");
        return (string?)answer["revision"];
    }
}
