using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace NotificationService.Bench.Providers;

/// <summary>
/// A tenant set up the way an operator would: through the platform API, then its SendGrid and
/// Twilio SMS configs through <c>/api/v1/admin/providers</c> (baseUrl pointing at the loopback fakes), then one
/// `POST …/{id}/test` per config so a broken wiring fails here, not as a silent 0/s.
/// </summary>
public sealed class BenchTenant(Guid tenantId, string apiKey)
{
    public const string AccountSid = "AC0123456789abcdef0123456789abcdef";
    public Guid TenantId { get; } = tenantId;
    public string ApiKey { get; } = apiKey;

    /// <summary>A new tenant through the platform API of a running service (<see cref="Service.ServiceProcess.PlatformKey"/>).</summary>
    public static async Task<BenchTenant> CreateAsync(Uri service, string name = "Bench providers")
    {
        using var platform = new HttpClient { BaseAddress = service, Timeout = TimeSpan.FromSeconds(60) };
        platform.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Service.ServiceProcess.PlatformKey);
        using var response = await platform.PostAsJsonAsync("api/v1/platform/tenants", new { name });
        var text = await response.Content.ReadAsStringAsync();
        if ((int)response.StatusCode != 201) throw new InvalidOperationException($"creating a tenant: {(int)response.StatusCode} {text}");
        var created = JsonNode.Parse(text)!;
        return new BenchTenant(created["id"]!.GetValue<Guid>(), created["apiKey"]!.GetValue<string>());
    }

    /// <summary>
    /// A new tenant of <paramref name="service"/>: through the platform API, or, on a build older than that API (an `--ab`
    /// base answers 404), through the binary's `tenants create --json` on the same database.
    /// </summary>
    public static async Task<BenchTenant> CreateAsync(Service.ServiceProcess service, string name = "Bench providers")
    {
        try { return await CreateAsync(service.BaseAddress, name); }
        catch (InvalidOperationException e) when (e.Message.StartsWith("creating a tenant: 404", StringComparison.Ordinal))
        {
            var printed = await Service.ServiceProcess.RunCommandAsync(service.Dll, service.ConnectionString, "tenants", "create", "--name", name, "--json");
            var created = JsonNode.Parse(printed.Split('\n', StringSplitOptions.RemoveEmptyEntries).Last(l => l.TrimStart().StartsWith('{')))!;
            return new BenchTenant(created["tenantId"]!.GetValue<Guid>(), created["apiKey"]!.GetValue<string>());
        }
    }

    public HttpClient Client(Uri baseAddress, int connections = 4)
    {
        var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = connections, UseProxy = false })
            { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(60) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", ApiKey);
        return http;
    }

    /// <summary>Creates the sendgrid (email) and twilio_sms (sms) configs and test-sends through each.</summary>
    public async Task AddProvidersAsync(HttpClient http, string sendGridBaseUrl, string twilioBaseUrl)
    {
        var sendGrid = await CreateProviderAsync(http, new
        {
            channel = "email", kind = "sendgrid", name = "SendGrid (loopback fake)", priority = 10,
            settings = new { baseUrl = sendGridBaseUrl, fromEmail = "bench@example.com", fromName = "Bench" },
            secrets = new { apiKey = "SG.bench-key" },
        });
        var twilio = await CreateProviderAsync(http, new
        {
            channel = "sms", kind = "twilio_sms", name = "Twilio (loopback fake)", priority = 10,
            settings = new { baseUrl = twilioBaseUrl, accountSid = AccountSid, from = "+14155550100" },
            secrets = new { authToken = "bench-token" },
        });
        await TestSendAsync(http, sendGrid, new { recipient = new { email = "probe@example.com" }, subject = "probe", body = "probe" });
        await TestSendAsync(http, twilio, new { recipient = new { phone = "+14155550199" }, body = "probe" });
    }

    /// <summary>The one config of a chat kind (its fake is the operator's double for the kind) and a test send through it.</summary>
    public async Task AddChatProviderAsync(HttpClient http, string kind)
    {
        object secrets = kind switch
        {
            "slack" => new { botToken = "xoxb-bench-token" },
            "slack_webhook" => new { webhookUrl = "https://hooks.slack.com/services/T0BENCH/B0BENCH/benchbenchbench" },
            _ => new { },
        };
        var id = await CreateProviderAsync(http, new { channel = "chat", kind, name = $"{kind} (loopback fake)", priority = 10, settings = new { }, secrets });
        await TestSendAsync(http, id, new { recipient = new { chat = ProviderEnqueue.ChatDestination(kind, 0) }, body = "probe" });
    }

    /// <summary>POST /api/v1/admin/providers; anything but 201 stops the run with the service's answer.</summary>
    public static async Task<Guid> CreateProviderAsync(HttpClient http, object body)
    {
        using var response = await http.PostAsJsonAsync("api/v1/admin/providers", body);
        var text = await response.Content.ReadAsStringAsync();
        if ((int)response.StatusCode != 201) throw new InvalidOperationException($"creating a provider config: {(int)response.StatusCode} {text}");
        return JsonNode.Parse(text)!["id"]!.GetValue<Guid>();
    }

    private static async Task TestSendAsync(HttpClient http, Guid providerId, object body)
    {
        using var response = await http.PostAsJsonAsync($"api/v1/admin/providers/{providerId}/test", body);
        var text = await response.Content.ReadAsStringAsync();
        var outcome = response.IsSuccessStatusCode ? JsonNode.Parse(text)?["outcome"]?.GetValue<string>() : null;
        if (outcome != "sent") throw new InvalidOperationException($"test send through {providerId}: {(int)response.StatusCode} {text}");
    }
}
