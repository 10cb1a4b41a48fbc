using System.Net.Http.Json;
using System.Text.Json.Nodes;
using NotificationService.Bench.Providers;

namespace NotificationService.Bench.RenderIsolation;

/// <summary>
/// One tenant of the phase, set up as an operator would through the admin API: its SendGrid config (pointing at the
/// phase's mailbox), the partial, then the template under the shared key, published. Each tenant saves the same source:
/// the compiled templates then differ only by tenant (and version), as in the finding.
/// </summary>
public static class IsolationSetup
{
    public static async Task<BenchTenant> TenantAsync(Uri baseAddress, string mailboxUrl)
    {
        var tenant = await BenchTenant.CreateAsync(baseAddress);
        using var http = tenant.Client(baseAddress, connections: 1);
        await BenchTenant.CreateProviderAsync(http, new
        {
            channel = "email", kind = "sendgrid", name = "SendGrid (isolation mailbox)", priority = 10,
            settings = new { baseUrl = mailboxUrl, fromEmail = "bench@example.com", fromName = "Bench" },
            secrets = new { apiKey = "SG.bench-key" },
        });
        await ExpectAsync(await http.PutAsJsonAsync($"api/v1/admin/templates/partials/{IsolationTemplate.PartialName}",
            new { source = IsolationTemplate.Partial }), "saving the partial");
        var created = await ExpectAsync(await http.PostAsJsonAsync("api/v1/admin/templates", new
        {
            key = IsolationTemplate.Key, channel = "email", locale = "en",
            parts = new { subject = IsolationTemplate.Subject, html = IsolationTemplate.Html },
        }), "creating the template");
        var id = JsonNode.Parse(created)!["id"]!.GetValue<Guid>();
        await ExpectAsync(await http.PostAsJsonAsync($"api/v1/admin/templates/{id}/publish", new { }), "publishing the template");
        return tenant;
    }

    /// <summary>The answer's body when it succeeded; otherwise the phase stops with the service's answer.</summary>
    private static async Task<string> ExpectAsync(HttpResponseMessage response, string what)
    {
        using (response)
        {
            var text = await response.Content.ReadAsStringAsync();
            if (!response.IsSuccessStatusCode) throw new InvalidOperationException($"{what}: {(int)response.StatusCode} {text}");
            return text;
        }
    }
}
