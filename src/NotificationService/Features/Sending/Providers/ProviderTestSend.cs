using NotificationService.Contracts;
using NotificationService.Channels;
using NotificationService.Features.People.Devices;
using NotificationService.Infrastructure;

namespace NotificationService.Features.Sending.Providers;

/// <summary>
/// `POST /admin/providers/{id}/test`: one message through exactly this config's adapter (enabled or not), outside
/// the queue, the circuit breaker and the rate limit, so an admin can check credentials before traffic depends on them.
/// Returns the adapter's classification; nothing is stored except what the sandbox records.
/// </summary>
public sealed class ProviderTestSend(ProviderAdmin admin, IEnumerable<IProviderAdapter> adapters, DeviceStore devices)
{
    public async Task<ProviderTestResult> SendAsync(Guid tenantId, Guid id, ProviderTestRequest request, CancellationToken ct)
    {
        var config = await admin.LoadAsync(tenantId, id, ct);
        var errors = new Dictionary<string, string[]>();
        if (request.Recipient is not { } r) errors["recipient"] = ["A recipient is required."];
        else RecipientRules.Check(config.Channel, r, errors);
        if (errors.Count > 0) throw new RequestValidationException(errors);

        var recipient = request.Recipient!;
        var tokens = recipient.DeviceTokens is { Length: > 0 } given ? given
            : config.Channel == ChannelNames.Push && recipient.UserId is { } user
                ? (await devices.ActiveTokensAsync(tenantId, [user], ct)).GetValueOrDefault(user)?.ToArray() : null;
        var adapter = adapters.FirstOrDefault(a => a.Kind == config.Kind)
            ?? throw new UnprocessableException($"Provider kind '{config.Kind}' is not supported by this build.");
        var subject = request.Subject ?? "NotificationService test message";
        var message = new OutgoingMessage(Uuid7.New(), tenantId, config.Channel,
            new Recipient(recipient.UserId, recipient.Email, recipient.Phone, tokens, Chat: recipient.Chat),
            new RenderedContent(Subject: subject, Title: subject,
                Body: request.Body ?? $"Test message through provider config '{config.Name}'."),
            Category: "provider-test");

        DeliveryResult result;
        try { result = await adapter.SendAsync(message, config, ct); }
        catch (Exception e) when (!ct.IsCancellationRequested)
        {
            result = new DeliveryResult.Transient($"{config.Kind}: {e.GetType().Name}", "exception");
        }
        return result switch
        {
            DeliveryResult.Sent s => new("sent", s.ProviderMessageId, null, null, null),
            DeliveryResult.Transient t => new("transient", null, t.Code, t.Error, t.RetryAfter?.TotalSeconds),
            DeliveryResult.Throttled t => new("throttled", null, t.Code, t.Error, t.RetryAfter.TotalSeconds),
            DeliveryResult.Permanent p => new("permanent", null, p.Code, p.Error, null),
            DeliveryResult.ProviderFailure f => new("provider_failure", null, f.Code, f.Error, null),
            _ => throw new InvalidOperationException("unknown delivery result"),
        };
    }
}
