using NotificationService.Channels;
using NotificationService.Features.Providers;

namespace NotificationService.Features.Delivery;

public sealed record SendAttempt(DeliveryResult Result, ProviderConfig? Provider);

/// <summary>
/// Failover lives here, not in the adapters: the tenant's providers for the channel are tried in
/// priority order, and a provider-level failure (bad credentials, provider down) moves to the next.
/// Message-level outcomes (sent, permanent, throttled, transient) stop the walk.
/// </summary>
public sealed class ChannelSender(ProviderDirectory directory, IEnumerable<IProviderAdapter> adapters, InboxWriter inbox)
{
    private readonly Dictionary<string, IProviderAdapter> _byKind = adapters.ToDictionary(a => a.Kind);

    public async Task<SendAttempt> SendAsync(OutgoingMessage message, CancellationToken ct)
    {
        if (message.Channel == ChannelNames.InApp) return new SendAttempt(await inbox.WriteAsync(message), null);

        var providers = await directory.ForChannelAsync(message.TenantId, message.Channel, ct);
        if (providers.Count == 0)
            return new SendAttempt(new DeliveryResult.Transient($"no enabled provider for channel '{message.Channel}'", "no_provider"), null);

        SendAttempt last = null!;
        foreach (var provider in providers)
        {
            if (!_byKind.TryGetValue(provider.Kind, out var adapter))
            {
                last = new SendAttempt(new DeliveryResult.ProviderFailure($"provider kind '{provider.Kind}' is not supported by this build", "unknown_kind"), provider);
                continue;
            }
            last = new SendAttempt(await SafeSendAsync(adapter, message, provider, ct), provider);
            if (last.Result is not DeliveryResult.ProviderFailure) return last;
        }
        return last;
    }

    private static async Task<DeliveryResult> SafeSendAsync(IProviderAdapter adapter, OutgoingMessage message, ProviderConfig provider, CancellationToken ct)
    {
        try
        {
            return await adapter.SendAsync(message, provider, ct);
        }
        catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            // Adapters classify errors themselves; anything that escapes is a bug or a network fault: retry.
            return new DeliveryResult.Transient($"{provider.Kind}: {e.GetType().Name}", "exception");
        }
    }
}
