using Microsoft.Extensions.DependencyInjection;
using NotificationService.Features.Sending.ProviderCallbacks;
using System.Net;
using NotificationService.Tests.Support;
using static NotificationService.Tests.Features.Sending.ProviderCallbacks.CallbackTestSupport;

namespace NotificationService.Tests.Features.Sending.ProviderCallbacks;

/// <summary>
/// A provider can call back before our worker has stored its message id. The race is reproduced by
/// clearing the stored id, calling back, then storing it again as the late worker update would.
/// </summary>
[Collection("service")]
public class EarlyCallbackTests(ServiceFixture service)
{
    private const string Token = "twilio-auth-token";
    private const string AppSecret = "meta-app-secret";

    private async Task<string> ForgetMessageIdAsync(Guid id)
    {
        var stored = await service.ScalarAsync<string>("select provider_message_id from notifications where id = $1", id);
        await service.ScalarAsync<int>("update notifications set provider_message_id = null, status = 'sending' where id = $1", id);
        return stored!;
    }

    private Task StoreMessageIdAsync(Guid id, string messageId) =>
        service.ScalarAsync<int>("update notifications set provider_message_id = $2, status = 'sent' where id = $1", id, messageId);

    [Fact]
    public async Task A_Twilio_callback_before_the_id_is_stored_is_parked_and_applied_when_it_is()
    {
        var tenant = await service.NewTenantAsync(channels: "sms");
        var config = await service.AddProviderWithSecretsAsync(tenant.Id, "sms", "twilio_sms", new Dictionary<string, string> { ["authToken"] = Token });
        var (id, _) = await tenant.SentAsync(Sms());
        var sid = await ForgetMessageIdAsync(id);

        var response = await tenant.Http.SendAsync(TwilioRequest(config, Token, new() { ["MessageSid"] = sid, ["MessageStatus"] = "delivered" }));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var result = await response.JsonAsync();
        Assert.Equal(1, result["parked"]!.GetValue<int>());
        Assert.Equal(0, result["unknown"]!.GetValue<int>());
        await TwoReplayPassesAsync();   // a whole pass ran after the event was parked: nothing may happen while the id is unknown
        Assert.Equal("sending", (await tenant.Http.StatusAsync(id))["status"]!.GetValue<string>());

        await StoreMessageIdAsync(id, sid);
        await tenant.Http.WaitForStatusAsync(id, "delivered", timeoutMs: 10_000);
        Assert.Equal(0, await service.ScalarAsync<long>("select count(*) from provider_callback_parked where tenant_id = $1", tenant.Id));
        Assert.Single(await tenant.HistoryAsync(id), "delivered");
    }

    [Fact]
    public async Task Early_WhatsApp_statuses_replay_in_order_and_another_tenants_id_does_not_claim_them()
    {
        var tenant = await service.NewTenantAsync(channels: "whatsapp");
        var config = await service.AddProviderWithSecretsAsync(tenant.Id, "whatsapp", "meta_whatsapp", new Dictionary<string, string> { ["appSecret"] = AppSecret });
        var (id, _) = await tenant.SentAsync(WhatsApp());
        var wamid = await ForgetMessageIdAsync(id);
        var ts = Now();
        var body = MetaStatuses(new { id = wamid, status = "read", timestamp = ts, recipient_id = "14155550100" },
                                new { id = wamid, status = "delivered", timestamp = ts, recipient_id = "14155550100" });
        Assert.Equal(2, (await (await tenant.Http.SendAsync(MetaRequest(config, AppSecret, body))).JsonAsync())["parked"]!.GetValue<int>());

        // The same provider message id on another tenant's notification must not release this tenant's events.
        var other = await service.NewTenantAsync(channels: "whatsapp");
        var (otherId, _) = await other.SentAsync(WhatsApp());
        await StoreMessageIdAsync(otherId, wamid);
        await TwoReplayPassesAsync();
        Assert.Equal("sending", (await tenant.Http.StatusAsync(id))["status"]!.GetValue<string>());

        await StoreMessageIdAsync(id, wamid);
        await tenant.Http.WaitForStatusAsync(id, "read", timeoutMs: 10_000);
        var history = await tenant.HistoryAsync(id);
        Assert.Equal(["delivered", "read"], history[^2..]);
        Assert.Equal("sent", (await other.Http.StatusAsync(otherId))["status"]!.GetValue<string>());
    }

    /// <summary>Waits until the replayer has finished two more passes, so at least one started after this point.</summary>
    private async Task TwoReplayPassesAsync()
    {
        var passes = service.Factory.Services.GetRequiredService<ParkedCallbackReplayer>().Passes;
        Assert.True(await passes.WaitForAsync(passes.Count + 2, TimeSpan.FromSeconds(10)), "the parked-callback replayer did not run");
    }
}
