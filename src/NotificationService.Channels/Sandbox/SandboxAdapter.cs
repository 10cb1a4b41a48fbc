namespace NotificationService.Channels.Sandbox;

/// <summary>Where the sandbox keeps what it "sent" (the service stores it in PostgreSQL for the admin console and tests).</summary>
public interface ISandboxRecorder
{
    Task RecordAsync(ProviderConfig config, OutgoingMessage message, string providerMessageId, CancellationToken ct);
}

/// <summary>
/// The provider of a fresh install: delivers on every channel to nowhere, records the rendered message,
/// and injects faults from its settings so retries, dead jobs and throttling are testable end to end:
/// `transientRate`, `permanentRate`, `throttleRate` (0..1), `retryAfterSeconds`, `latencyMs`.
/// </summary>
public sealed class SandboxAdapter(ISandboxRecorder recorder) : IProviderAdapter
{
    public const string KindName = "sandbox";
    public string Kind => KindName;
    public IReadOnlyList<string> Channels => ChannelNames.All;

    public async Task<DeliveryResult> SendAsync(OutgoingMessage message, ProviderConfig config, CancellationToken ct)
    {
        var faults = SandboxFaults.From(config);
        if (faults.Latency > TimeSpan.Zero) await Task.Delay(faults.Latency, ct);

        var roll = Random.Shared.NextDouble();
        if ((roll -= faults.ThrottleRate) < 0)
            return new DeliveryResult.Throttled(faults.RetryAfter, "sandbox: simulated 429", "429");
        if ((roll -= faults.TransientRate) < 0)
            return new DeliveryResult.Transient("sandbox: simulated 503", "503");
        if ((roll -= faults.PermanentRate) < 0)
            return new DeliveryResult.Permanent("sandbox: simulated permanent rejection", "400");

        var id = "sbx_" + Guid.NewGuid().ToString("N");
        await recorder.RecordAsync(config, message, id, ct);
        return new DeliveryResult.Sent(id);
    }
}

internal sealed record SandboxFaults(double TransientRate, double PermanentRate, double ThrottleRate, TimeSpan RetryAfter, TimeSpan Latency)
{
    public static SandboxFaults From(ProviderConfig c) => new(
        Rate(c, "transientRate"), Rate(c, "permanentRate"), Rate(c, "throttleRate"),
        TimeSpan.FromSeconds(Number(c, "retryAfterSeconds") ?? 1),
        TimeSpan.FromMilliseconds(Number(c, "latencyMs") ?? 0));

    private static double Rate(ProviderConfig c, string name) => Math.Clamp(Number(c, name) ?? 0, 0, 1);

    private static double? Number(ProviderConfig c, string name) =>
        double.TryParse(c.Setting(name), System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture,
            out var v) ? v : null;
}
