using System.Net.Http.Json;
using System.Net;
using System.Text.Json.Nodes;
using NotificationService.Features.Tenancy.Audit;
using NotificationService.Tests.Support;

namespace NotificationService.Tests.Features.Tenancy.Audit;

[Collection("service")]
public class AuditLogTests(ServiceFixture service)
{
    private static async Task<JsonArray> AuditAsync(TestTenant tenant, string query = "")
    {
        var response = await tenant.Http.GetAsync("/api/v1/admin/audit" + query);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.JsonAsync())["items"]!.AsArray();
    }

    [Fact]
    public async Task A_template_change_is_recorded_with_who_what_and_before_after()
    {
        var tenant = await service.NewTenantAsync();
        var created = await (await tenant.Http.PostJsonAsync("/api/v1/admin/templates",
            new { key = "welcome", channel = "sms", locale = "en", parts = new { body = "Hello" } })).JsonAsync();
        var id = created["id"]!.GetValue<string>();
        Assert.Equal(HttpStatusCode.OK, (await tenant.Http.PostAsync($"/api/v1/admin/templates/{id}/publish", null)).StatusCode);

        var entries = await AuditAsync(tenant, "?targetType=template");
        Assert.Equal(["template.publish", "template.create"], entries.Select(e => e!["action"]!.GetValue<string>()));
        var publish = entries[0]!;
        Assert.Equal(id, publish["targetId"]!.GetValue<string>());
        Assert.Equal("key " + tenant.ApiKey[..12], publish["actor"]!.GetValue<string>());
        Assert.NotNull(publish["before"]);
        Assert.NotNull(publish["after"]);
        Assert.Empty(await AuditAsync(await service.NewTenantAsync()));   // another tenant sees none of it
    }

    [Fact]
    public async Task A_category_change_is_recorded_under_its_key_with_the_settings_before_it()
    {
        var tenant = await service.NewTenantAsync();
        Assert.Equal(HttpStatusCode.Created, (await tenant.Http.PostJsonAsync("/api/v1/admin/categories", new { key = "news", name = "News" })).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await tenant.Http.PutAsJsonAsync("/api/v1/admin/categories/news", new { name = "Newsletter", commercial = true })).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await tenant.Http.DeleteAsync("/api/v1/admin/categories/news")).StatusCode);

        var entries = await AuditAsync(tenant, "?targetType=category");
        Assert.Equal(["category.delete", "category.update", "category.create"], entries.Select(e => e!["action"]!.GetValue<string>()));
        var update = entries[1]!;
        Assert.Equal("news", update["targetId"]!.GetValue<string>());
        Assert.Equal("News", update["before"]!["name"]!.GetValue<string>());
        Assert.Equal("Newsletter", update["after"]!["name"]!.GetValue<string>());
    }

    [Fact]
    public async Task Secrets_never_reach_the_log_and_pages_follow_the_cursor()
    {
        var tenant = await service.NewTenantAsync();
        var created = await (await tenant.Http.PostJsonAsync("/api/v1/admin/api-keys", new { name = "k", scopes = new[] { "notifications:send" } })).JsonAsync();
        var key = created["key"]!.GetValue<string>();
        var hook = await tenant.Http.PostJsonAsync("/api/v1/admin/webhooks", new { url = "http://127.0.0.1:9/hook", events = new[] { "notification.sent" } });
        Assert.Equal(HttpStatusCode.Created, hook.StatusCode);
        var secret = (await hook.JsonAsync())["secret"]!.GetValue<string>();

        var text = await tenant.Http.GetStringAsync("/api/v1/admin/audit");
        Assert.DoesNotContain(key, text);
        Assert.DoesNotContain(secret, text);
        Assert.Contains("webhook.create", text);

        var first = await (await tenant.Http.GetAsync("/api/v1/admin/audit?limit=1")).JsonAsync();
        Assert.Single(first["items"]!.AsArray());
        var cursor = first["nextCursor"]!.GetValue<string>();
        var second = await (await tenant.Http.GetAsync($"/api/v1/admin/audit?limit=1&cursor={cursor}")).JsonAsync();
        Assert.NotEqual(first["items"]![0]!["id"]!.GetValue<long>(), second["items"]![0]!["id"]!.GetValue<long>());

        var bad = await tenant.Http.GetAsync("/api/v1/admin/audit?cursor=abc");
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.NotNull((await bad.JsonAsync())["errors"]!["cursor"]);
    }

    [Theory]
    [InlineData("secret"), InlineData("previousSecret"), InlineData("clientSecret"), InlineData("password"), InlineData("authToken"), InlineData("apiKey"),
     InlineData("accessToken"), InlineData("serviceAccountJson")]
    public void Secret_settings_are_redacted_by_their_field_at_any_depth(string name)
    {
        var json = AuditRedaction.ToJson(new JsonObject { [name] = "s3cr3t", ["nested"] = new JsonObject { [name] = "s3cr3t", ["name"] = "kept" } })!;
        Assert.DoesNotContain("s3cr3t", json);
        Assert.Contains("kept", json);
    }

    [Theory]
    [InlineData("nsk_abcd1234_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    [InlineData("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")]
    [InlineData("-----BEGIN PRIVATE KEY-----\nMIIE...\n-----END PRIVATE KEY-----")]
    [InlineData("eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhZGEifQ.c2lnbmF0dXJl")]
    public void Credential_shaped_values_are_redacted_under_any_name(string credential)
    {
        var json = AuditRedaction.ToJson(new JsonObject { ["key"] = credential, ["items"] = new JsonArray(credential, "plain"), ["note"] = credential })!;
        Assert.DoesNotContain(credential, json);
        Assert.Contains("plain", json);
    }

    [Fact]
    public void A_template_key_is_not_a_secret_and_a_providers_secret_mask_stays()
    {
        var json = AuditRedaction.ToJson(new JsonObject
        {
            ["key"] = "welcome", ["keyId"] = "k1",
            ["secrets"] = new JsonObject { ["apiKey"] = "********", ["authToken"] = "plain-text-token" },
        })!;
        Assert.Contains("\"key\":\"welcome\"", json);
        Assert.Contains("\"keyId\":\"k1\"", json);
        Assert.Contains("\"apiKey\":\"********\"", json);   // "it is set", which says nothing of it
        Assert.DoesNotContain("plain-text-token", json);
    }
}
