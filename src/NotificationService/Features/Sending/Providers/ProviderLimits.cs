using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using NotificationService.Channels;

namespace NotificationService.Features.Sending.Providers;

/// <summary>
/// Settings every provider kind accepts next to its own: the messages-per-second limit and the circuit
/// breaker's parameters. Defaults: no rate limit; the circuit opens after 5 consecutive provider-level or
/// transient failures and stays open 30 s (long enough to stop hammering a provider that is down, short
/// enough that a recovered provider gets traffic back within a minute). The sandbox has no circuit unless its
/// settings ask for one: its failures are simulated per message to exercise retries, it is never "down".
/// Their names and ranges are declared, and checked at save, with every kind's own (<see cref="ProviderKinds.CommonSettings"/>).
/// </summary>
public sealed record ProviderLimits(double? RateLimitPerSecond, int? CircuitThreshold, TimeSpan CircuitOpenFor)
{
    public const int DefaultCircuitThreshold = 5;
    public static readonly TimeSpan DefaultCircuitOpenFor = TimeSpan.FromSeconds(30);

    public static ProviderLimits From(string kind, JsonObject settings) => new(
        Number(settings, "rateLimitPerSecond"),
        (int?)Number(settings, "circuitBreakerThreshold") ?? (kind == "sandbox" ? null : DefaultCircuitThreshold),
        Number(settings, "circuitBreakerOpenSeconds") is { } s ? TimeSpan.FromSeconds(s) : DefaultCircuitOpenFor);

    /// <summary>A JSON number, or a string holding one (settings written by hand often quote numbers).</summary>
    private static double? Number(JsonObject settings, string name) => settings[name] switch
    {
        JsonValue v when v.GetValueKind() == JsonValueKind.Number => v.GetValue<double>(),
        JsonValue v when v.GetValueKind() == JsonValueKind.String
            && double.TryParse(v.GetValue<string>(), NumberStyles.Float, CultureInfo.InvariantCulture, out var d) => d,
        _ => null,
    };
}
