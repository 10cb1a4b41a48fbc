using NotificationService.Contracts;
using NotificationService.Infrastructure;
using NotificationService.Channels;
using NotificationService.Channels.Chat;
using NotificationService.Features.Sending.Providers;

namespace NotificationService.Features.Sending.Delivery;

/// <summary>One delivery attempt: the deciding result, the config that gave it, and every config the walk touched.</summary>
public sealed record SendAttempt(DeliveryResult Result, ProviderConfig? Provider, IReadOnlyList<string>? Trail = null)
{
    public static string Label(ProviderConfig p) => $"{p.Kind} '{p.Name}' ({p.Id})";
}

/// <summary>
/// Failover lives here, not in the adapters: the tenant's providers for the channel are tried in
/// priority order, and a provider-level failure (bad credentials, provider down) moves to the next,
/// as does a config whose circuit is open. Message-level outcomes (sent, permanent, throttled, transient)
/// stop the walk. When every config is open the message waits (throttled: no attempt used).
/// </summary>
public sealed class ChannelSender(ProviderDirectory directory, IEnumerable<IProviderAdapter> adapters, InboxWriter inbox,
    CircuitBreakers circuits, ProviderAdmission admission, ServiceMeter metrics, ChatPacing pacing, IProviderCallObserver calls)
{
    private readonly Dictionary<string, IProviderAdapter> _byKind = adapters.ToDictionary(a => a.Kind);

    /// <param name="reserved">The config whose rate-limit slot <see cref="ProviderAdmission"/> already holds for this message.</param>
    public async Task<SendAttempt> SendAsync(OutgoingMessage message, ProviderConfig? reserved, CancellationToken ct)
    {
        if (message.Channel == ChannelNames.InApp) return new SendAttempt(await inbox.WriteAsync(message), null);

        var providers = SandboxOnly.Applies(message) ? [SandboxOnly.ConfigFor(message.TenantId, message.Channel)]   // a workflow test run's
            : await directory.ForChannelAsync(message.TenantId, message.Channel, ct);
        if (providers.Count == 0)
            return new SendAttempt(
                new DeliveryResult.Transient($"no enabled provider for channel '{message.Channel}'", "no_provider"), null);

        var trail = new List<string>();
        SendAttempt? last = null;
        TimeSpan? soonestOpen = null;
        foreach (var provider in providers)
        {
            if (!_byKind.TryGetValue(provider.Kind, out var adapter))
            {
                last = new SendAttempt(
                    new DeliveryResult.ProviderFailure($"provider kind '{provider.Kind}' is not supported by this build", "unknown_kind"),
                    provider, trail);
                trail.Add($"{SendAttempt.Label(provider)}: unsupported kind");
                continue;
            }
            if (message.Channel == ChannelNames.Chat && !ChatRouting.Reaches(provider, message.Recipient))
            {
                // Not a failure of the config (no circuit, no attempt): it cannot address this recipient's platform.
                trail.Add($"{SendAttempt.Label(provider)}: no destination for this kind");
                continue;
            }
            if (circuits.OpenFor(provider) is { } open)
            {
                trail.Add($"{SendAttempt.Label(provider)}: circuit open");
                soonestOpen = soonestOpen is { } s && s < open ? s : open;
                continue;
            }
            if (provider.Id != reserved?.Id && await admission.ReserveOneAsync(provider, ct) is Admission.Wait wait)
            {
                trail.Add($"{SendAttempt.Label(provider)}: over rate limit");
                return new SendAttempt(new DeliveryResult.Throttled(wait.After, wait.Reason, "rate_limited"), provider, trail);
            }
            if (await pacing.WaitAsync(provider, message.Recipient, ct) is { } turn)
            {
                trail.Add($"{SendAttempt.Label(provider)}: paced");
                return new SendAttempt(new DeliveryResult.Throttled(turn, "one message per second to a Slack conversation", "paced"),
                    provider, trail);
            }
            if (!circuits.TryEnter(provider, out var probeBusy))
            {
                // Cool-down over but another message is already probing this config.
                trail.Add($"{SendAttempt.Label(provider)}: circuit half-open, probe in flight");
                soonestOpen = soonestOpen is { } s && s < probeBusy ? s : probeBusy;
                continue;
            }
            var started = System.Diagnostics.Stopwatch.GetTimestamp();
            var result = await SafeSendAsync(adapter, message, provider, ct);
            var took = System.Diagnostics.Stopwatch.GetElapsedTime(started);
            metrics.Attempt(message.Channel, provider.Kind, DeliveryOutcomeLabel.Of(result), took);
            calls.Called(message.TenantId, message.Channel, provider.Kind, took);
            circuits.Record(provider, result);
            trail.Add($"{SendAttempt.Label(provider)}: {Describe(result)}");
            last = new SendAttempt(result, provider, trail);
            if (result is not DeliveryResult.ProviderFailure) return last;
        }
        if (last is null && soonestOpen is null && message.Channel == ChannelNames.Chat)
            return new SendAttempt(new DeliveryResult.Permanent("no chat provider config reaches the recipient's chat destination",
                "no_destination"), null, trail);
        if (last is null)
            return new SendAttempt(new DeliveryResult.Throttled(
                (soonestOpen ?? TimeSpan.FromSeconds(1)) + TimeSpan.FromMilliseconds(Random.Shared.Next(50, 250)),
                $"circuit open for every {message.Channel} provider", "circuit_open"), null, trail);
        return last;
    }

    private static string Describe(DeliveryResult r) => r switch
    {
        DeliveryResult.Sent => "sent",
        DeliveryResult.Transient t => $"transient {t.Code}",
        DeliveryResult.Throttled t => $"throttled {t.Code}",
        DeliveryResult.Permanent p => $"permanent {p.Code}",
        DeliveryResult.ProviderFailure f => $"provider failure {f.Code}",
        _ => "unknown",
    };

    private static async Task<DeliveryResult> SafeSendAsync(IProviderAdapter adapter, OutgoingMessage message, ProviderConfig provider,
        CancellationToken ct)
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
