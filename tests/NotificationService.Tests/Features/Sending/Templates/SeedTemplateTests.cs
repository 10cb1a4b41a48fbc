using System.Text.Json.Nodes;
using NotificationService.Tests.Support;
using static NotificationService.Tests.Features.Sending.Templates.TemplateApi;

namespace NotificationService.Tests.Features.Sending.Templates;

/// <summary>The demo templates in seed/templates: every key in en and fr on every channel, and each renders
/// with realistic data without a missing variable.</summary>
[Collection("service")]
public class SeedTemplateTests(ServiceFixture service)
{
    private static readonly JsonObject SampleData = JsonNode.Parse("""
        {
          "appName": "Acme", "user": { "firstName": "Ada" }, "actionUrl": "https://acme.example/start",
          "resetUrl": "https://acme.example/reset?t=abc", "code": "482913", "expiresInMinutes": 15,
          "orderId": "A-1042", "carrier": "UPS", "trackingNumber": "1Z999", "trackingUrl": "https://ups.example/1Z999",
          "estimatedDelivery": "2025-06-12T10:00:00Z", "total": 59.9, "currency": "EUR",
          "items": [ { "name": "Mug", "quantity": 2, "title": "Release notes", "url": "https://acme.example/n/1" } ],
          "weekOf": "2025-06-09", "unreadCount": 3
        }
        """)!.AsObject();

    [Fact]
    public async Task Every_seeded_template_previews_without_missing_variables()
    {
        var demo = service.Client(ServiceFixture.DemoApiKey);
        var templates = (await PatientAsync(() => demo.GetAsync($"{Root}?limit=100")))["items"]!.AsArray();
        var keys = new[] { "welcome", "password-reset", "order-shipped", "weekly-digest" };
        foreach (var key in keys)
            foreach (var channel in new[] { "email", "sms", "push", "whatsapp", "in_app" })
                foreach (var locale in new[] { "en", "fr" })
                    Assert.Contains(templates, t => t!["key"]!.GetValue<string>() == key && t["channel"]!.GetValue<string>() == channel && t["locale"]!.GetValue<string>() == locale);

        foreach (var t in templates.Where(t => keys.Contains(t!["key"]!.GetValue<string>())))
        {
            var preview = await PreviewAsync(demo, t!.Id(), SampleData);
            Assert.True(preview["missingVariables"]!.AsArray().Count == 0, $"{t!["key"]}.{t["channel"]}.{t["locale"]}: {preview.ToJsonString()}");
        }
    }

    [Fact]
    public async Task A_seeded_template_sent_without_its_optional_variables_renders_no_empty_link()
    {
        var demo = service.Client(ServiceFixture.DemoApiKey);
        var templates = (await PatientAsync(() => demo.GetAsync($"{Root}?limit=100")))["items"]!.AsArray();
        var withOptionals = templates.Where(t => t!["optionalVariables"] is JsonArray { Count: > 0 }).ToList();
        Assert.Contains(withOptionals, t => t!["key"]!.GetValue<string>() == "welcome" && t["channel"]!.GetValue<string>() == "email");
        var empty = new List<string>();
        foreach (var t in withOptionals)
        {
            var data = SampleData.DeepClone().AsObject();
            foreach (var optional in t!["optionalVariables"]!.AsArray()) data.Remove(optional!.GetValue<string>());
            var preview = await PreviewAsync(demo, t.Id(), data);
            empty.AddRange(preview["parts"]!.AsObject()
                .Where(p => p.Value is JsonValue v && v.TryGetValue<string>(out var text) && text.Contains("href=\"\"", StringComparison.Ordinal))
                .Select(p => $"{t["key"]}.{t["channel"]}.{t["locale"]} {p.Key}"));
        }
        Assert.True(empty.Count == 0, "an empty href in: " + string.Join(", ", empty));
    }

    [Fact]
    public async Task The_french_order_email_formats_money_and_dates_in_french()
    {
        var demo = service.Client(ServiceFixture.DemoApiKey);
        var email = (await PatientAsync(() => demo.GetAsync($"{Root}?key=order-shipped&channel=email&locale=fr")))["items"]![0]!;
        var preview = await PreviewAsync(demo, email.Id(), SampleData);
        var text = preview["parts"]!["text"]!.GetValue<string>();
        Assert.Contains("59,90", text);
        Assert.Contains("jeudi 12 juin", text);
        Assert.Contains("Suivre votre colis (https://ups.example/1Z999)", text);
    }

    /// <summary>
    /// A preview through the demo tenant, which every spec of the fixture shares: previews of every seeded template meet
    /// others' requests at its admin limit (20/s, burst 40), and a 429 says when to retry, as a client does.
    /// </summary>
    private static Task<JsonNode> PreviewAsync(HttpClient demo, Guid id, JsonNode data) =>
        PatientAsync(() => demo.PostJsonAsync($"{Root}/{id}/preview", new { data }));

    /// <summary>The demo tenant is shared by specs running at once: its admin limit may answer 429, which a client honours
    /// by waiting the Retry-After it names.</summary>
    private static async Task<JsonNode> PatientAsync(Func<Task<HttpResponseMessage>> call)
    {
        for (var attempt = 1; ; attempt++)
        {
            var response = await call();
            if (response.StatusCode != System.Net.HttpStatusCode.TooManyRequests || attempt == 20) return await ExpectAsync(response, 200);
            await Task.Delay(response.Headers.RetryAfter?.Delta ?? TimeSpan.FromSeconds(1));
        }
    }
}
