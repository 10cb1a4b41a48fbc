using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using NotificationService.Tests.Support;

namespace NotificationService.Tests.Features.Sending.Providers;

[Collection("service")]
public class ProviderCrudTests(ServiceFixture service)
{
    [Fact]
    public async Task Create_list_get_update_delete_never_return_secret_values_and_update_keeps_secrets()
    {
        var tenant = await service.BareTenantAsync();
        await using var fake = await LoopbackProvider.StartAsync(LoopbackProvider.SendGridAccepts);

        var created = await tenant.Http.PostJsonAsync(ProviderApi.Url, ProviderApi.SendGrid(fake.BaseUrl, "Primary"));
        var createdText = await created.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.DoesNotContain(ProviderApi.ApiKey, createdText);
        var view = JsonNode.Parse(createdText)!;
        Assert.Equal("********", view["secrets"]!["apiKey"]!.GetValue<string>());
        Assert.Equal(fake.BaseUrl, view["settings"]!["baseUrl"]!.GetValue<string>());
        var id = view["id"]!.GetValue<string>();
        Assert.EndsWith($"/api/v1/admin/providers/{id}", created.Headers.Location!.ToString());

        var list = await tenant.Http.GetStringAsync(ProviderApi.Url);
        var get = await tenant.Http.GetStringAsync($"{ProviderApi.Url}/{id}");
        Assert.DoesNotContain(ProviderApi.ApiKey, list + get);
        Assert.Single(JsonNode.Parse(list)!.AsArray());
        var stored = await service.ScalarAsync<byte[]>("select secrets_ciphertext from providers where id = $1", Guid.Parse(id));
        Assert.DoesNotContain(ProviderApi.ApiKey, System.Text.Encoding.UTF8.GetString(stored!));

        // Update without secrets (and with the mask sent back) keeps the stored API key: the test send still authenticates.
        var patch = new HttpRequestMessage(HttpMethod.Patch, $"{ProviderApi.Url}/{id}")
        { Content = JsonContent.Create(new { name = "Renamed", priority = 5, secrets = new { apiKey = "********" } }) };
        var updated = await tenant.Http.SendAsync(patch);
        Assert.Equal(HttpStatusCode.OK, updated.StatusCode);
        var updatedView = await updated.JsonAsync();
        Assert.Equal(("Renamed", 5), (updatedView["name"]!.GetValue<string>(), updatedView["priority"]!.GetValue<int>()));
        var test = await (await tenant.Http.PostJsonAsync($"{ProviderApi.Url}/{id}/test", new { recipient = new { email = "ada@example.com" } })).JsonAsync();
        Assert.Equal("sent", test["outcome"]!.GetValue<string>());
        Assert.Equal($"Bearer {ProviderApi.ApiKey}", fake.Requests.Last().Authorization);

        // Another tenant sees nothing of it.
        var other = await service.BareTenantAsync();
        Assert.Equal(HttpStatusCode.NotFound, (await other.Http.GetAsync($"{ProviderApi.Url}/{id}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await other.Http.DeleteAsync($"{ProviderApi.Url}/{id}")).StatusCode);

        Assert.Equal(HttpStatusCode.NoContent, (await tenant.Http.DeleteAsync($"{ProviderApi.Url}/{id}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await tenant.Http.GetAsync($"{ProviderApi.Url}/{id}")).StatusCode);
    }

    [Fact]
    public async Task Invalid_configs_are_400_naming_each_field_without_echoing_secrets()
    {
        var tenant = await service.BareTenantAsync();
        var twilio = await tenant.Http.PostJsonAsync(ProviderApi.Url, new
        {
            channel = "sms", kind = "twilio_sms", name = "Twilio",
            settings = new { baseUrl = "ftp://api.twilio.com", accountSid = "AC123", from = "0800", rateLimitPerSecond = -1 },
            secrets = new { authTokn = "typo-secret-value" },
        });
        Assert.Equal(HttpStatusCode.BadRequest, twilio.StatusCode);
        var text = await twilio.Content.ReadAsStringAsync();
        Assert.DoesNotContain("typo-secret-value", text);
        var errors = JsonNode.Parse(text)!["errors"]!.AsObject();
        foreach (var field in new[] { "settings.baseUrl", "settings.accountSid", "settings.from", "settings.rateLimitPerSecond", "secrets.authToken", "secrets.authTokn" })
            Assert.True(errors.ContainsKey(field), $"{field} missing from {text}");

        var fcm = await tenant.Http.PostJsonAsync(ProviderApi.Url, new
        {
            channel = "email", kind = "fcm", name = "Firebase", settings = new { projectId = "demo-project" },
            secrets = new { serviceAccountJson = "{not json" },
        });
        var fcmErrors = (await fcm.JsonAsync())["errors"]!.AsObject();
        Assert.True(fcmErrors.ContainsKey("secrets.serviceAccountJson") && fcmErrors.ContainsKey("channel"), fcmErrors.ToJsonString());

        var unknownField = await tenant.Http.PostJsonAsync(ProviderApi.Url, """{"channel":"email","kind":"sandbox","name":"x","colour":"red"}""");
        Assert.True((await unknownField.JsonAsync())["errors"]!.AsObject().ContainsKey("colour"));
        Assert.Empty((await tenant.Http.GetFromJsonAsync<JsonArray>(ProviderApi.Url))!);
    }

    [Fact]
    public async Task Test_send_returns_the_classified_outcome_of_that_one_config()
    {
        var tenant = await service.BareTenantAsync();
        await using var fake = await LoopbackProvider.StartAsync(LoopbackProvider.SendGridError(401));
        var id = await ProviderApi.CreateAsync(tenant.Http, ProviderApi.SendGrid(fake.BaseUrl, "Bad key"));

        var failed = await (await tenant.Http.PostJsonAsync($"{ProviderApi.Url}/{id}/test", new { recipient = new { email = "ada@example.com" } })).JsonAsync();
        Assert.Equal("provider_failure", failed["outcome"]!.GetValue<string>());
        Assert.Equal("401", failed["code"]!.GetValue<string>());

        fake.Behaviour = LoopbackProvider.SendGridError(429, retryAfterSeconds: 7);
        var throttled = await (await tenant.Http.PostJsonAsync($"{ProviderApi.Url}/{id}/test", new { recipient = new { email = "ada@example.com" } })).JsonAsync();
        Assert.Equal(("throttled", 7d), (throttled["outcome"]!.GetValue<string>(), throttled["retryAfterSeconds"]!.GetValue<double>()));

        var bad = await tenant.Http.PostJsonAsync($"{ProviderApi.Url}/{id}/test", new { recipient = new { email = "not-an-email" } });
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.True((await bad.JsonAsync())["errors"]!.AsObject().ContainsKey("recipient.email"));
    }
}
