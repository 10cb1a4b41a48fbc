using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using NotificationService.Channels;
using NotificationService.Tests.Support;

namespace NotificationService.Tests.Features.Sending.Providers;

/// <summary>
/// Each provider kind declares its settings (name, type, range): a key it does not declare, a value of the wrong type or
/// one out of range is a 400 naming `settings.&lt;key&gt;`, on create and on update, and nothing is stored.
/// </summary>
[Collection("service")]
public class ProviderSettingsShapeTests(ServiceFixture service)
{
    [Fact]
    public async Task Every_provider_kind_refuses_a_setting_it_does_not_declare()
    {
        var tenant = await service.BareTenantAsync();
        foreach (var spec in ProviderKinds.Specs)
        {
            var response = await tenant.Http.PostJsonAsync(ProviderApi.Url, new
            {
                channel = spec.Channels[0], kind = spec.Kind, name = "Unknown key", enabled = false, settings = new { bogus = 1 },
            });
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            var errors = (await response.JsonAsync())["errors"]!.AsObject();
            Assert.True(errors.ContainsKey("settings.bogus"), $"{spec.Kind}: settings.bogus missing from {errors.ToJsonString()}");
        }
        Assert.Empty((await (await tenant.Http.GetAsync(ProviderApi.Url)).JsonAsync()).AsArray());
    }

    [Theory]
    [InlineData("""{"transientRate":2}""", "settings.transientRate")]
    [InlineData("""{"transientRate":"lots"}""", "settings.transientRate")]
    [InlineData("""{"permanentRate":-0.1}""", "settings.permanentRate")]
    [InlineData("""{"throttleRate":true}""", "settings.throttleRate")]
    [InlineData("""{"latencyMs":999999999}""", "settings.latencyMs")]
    [InlineData("""{"retryAfterSeconds":{"s":1}}""", "settings.retryAfterSeconds")]
    [InlineData("""{"circuitBreakerThreshold":1.5}""", "settings.circuitBreakerThreshold")]
    public async Task A_sandbox_setting_of_the_wrong_type_or_out_of_range_is_a_400_naming_it(string settings, string field)
    {
        var tenant = await service.BareTenantAsync();
        var response = await tenant.Http.PostJsonAsync(ProviderApi.Url,
            new { channel = "email", kind = "sandbox", name = "Faulty", settings = JsonNode.Parse(settings) });
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal([field], (await response.JsonAsync())["errors"]!.AsObject().Select(e => e.Key));
        Assert.Empty((await (await tenant.Http.GetAsync(ProviderApi.Url)).JsonAsync()).AsArray());
    }

    [Fact]
    public async Task A_vendor_kind_refuses_the_sandbox_fault_settings()
    {
        var tenant = await service.BareTenantAsync();
        var response = await tenant.Http.PostJsonAsync(ProviderApi.Url, new
        {
            channel = "sms", kind = "twilio_sms", name = "Twilio", enabled = false,
            settings = new { accountSid = "AC" + new string('a', 32), from = "+14155550100", latencyMs = 5, bogus = 1 },
            secrets = new { authToken = "token" },
        });
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(["settings.bogus", "settings.latencyMs"],
            (await response.JsonAsync())["errors"]!.AsObject().Select(e => e.Key).Order());
    }

    [Fact]
    public async Task An_update_with_a_bad_setting_is_a_400_and_keeps_the_stored_settings()
    {
        var tenant = await service.BareTenantAsync();
        var id = await ProviderApi.CreateAsync(tenant.Http,
            new { channel = "email", kind = "sandbox", name = "Sandbox", settings = new { transientRate = "0.25", latencyMs = 10 } });

        foreach (var settings in new object[] { new { transientRate = 2 }, new { bogus = 1 } })
        {
            var patch = new HttpRequestMessage(HttpMethod.Patch, $"{ProviderApi.Url}/{id}") { Content = JsonContent.Create(new { settings }) };
            var response = await tenant.Http.SendAsync(patch);
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            Assert.Single((await response.JsonAsync())["errors"]!.AsObject());
        }
        var stored = (await (await tenant.Http.GetAsync($"{ProviderApi.Url}/{id}")).JsonAsync())["settings"]!;
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""{"transientRate":"0.25","latencyMs":10}"""), stored), stored.ToJsonString());
    }
}
