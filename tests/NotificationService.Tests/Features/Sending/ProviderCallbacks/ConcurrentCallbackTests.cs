using System.Net;
using NotificationService.Tests.Support;
using static NotificationService.Tests.Features.Sending.ProviderCallbacks.CallbackTestSupport;

namespace NotificationService.Tests.Features.Sending.ProviderCallbacks;

/// <summary>Concurrent callbacks share a transaction (group commit); each request must still answer with its own counts.</summary>
[Collection("service")]
public class ConcurrentCallbackTests(ServiceFixture service)
{
    private const string Token = "twilio-auth-token";

    [Fact]
    public async Task Concurrent_Twilio_callbacks_all_apply_and_each_answers_for_its_own_event()
    {
        var tenant = await service.NewTenantAsync(channels: "sms");
        var config = await service.AddProviderWithSecretsAsync(tenant.Id, "sms", "twilio_sms", new Dictionary<string, string> { ["authToken"] = Token });
        var sent = await Task.WhenAll(Enumerable.Range(0, 12).Select(i => tenant.SentAsync(Sms($"+141555502{i:00}"))));

        var known = sent.Select(s => (Sid: s.ProviderMessageId, Known: true));
        var unknown = Enumerable.Range(0, 4).Select(i => (Sid: $"SMnotyet{i}", Known: false));
        var calls = known.Concat(unknown).Select(async c =>
        {
            var response = await tenant.Http.SendAsync(TwilioRequest(config, Token, new() { ["MessageSid"] = c.Sid, ["MessageStatus"] = "delivered" }));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            return (c.Known, Body: await response.JsonAsync());
        }).ToList();

        foreach (var (isKnown, body) in await Task.WhenAll(calls))
        {
            Assert.Equal(isKnown ? 1 : 0, body["applied"]!.GetValue<int>());
            Assert.Equal(isKnown ? 0 : 1, body["parked"]!.GetValue<int>());
            Assert.Equal(0, body["unknown"]!.GetValue<int>());
        }
        foreach (var (id, _) in sent) Assert.Equal("delivered", (await tenant.Http.StatusAsync(id))["status"]!.GetValue<string>());
        Assert.Equal(4, await service.ScalarAsync<long>("select count(*) from provider_callback_parked where tenant_id = $1", tenant.Id));
    }
}
