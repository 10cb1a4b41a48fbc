using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace NotificationService.Features.Sending.Providers;

/// <summary>
/// Settings every provider kind accepts next to its own: the messages-per-second limit and the circuit
/// breaker's parameters. Defaults: no rate limit; the circuit opens after 5 consecutive provider-level or
/// transient failures and stays open 30 s (long enough to stop hammering a provider that is down, short
/// enough that a recovered provider gets traffic back within a minute). The sandbox has no circuit unless its
/// settings ask for one: its failures are simulated per message to exercise retries, it is never "down".
/// </summary>
public sealed record ProviderLimits(double? RateLimitPerSecond, int? CircuitThreshold, TimeSpan CircuitOpenFor)
{
    public const int DefaultCircuitThreshold = 5;
    public static readonly TimeSpan DefaultCircuitOpenFor = TimeSpan.FromSeconds(30);

    public static ProviderLimits From(string kind, JsonObject settings) => new(
        Number(settings, "rateLimitPerSecond"),
        (int?)Number(settings, "circuitBreakerThreshold") ?? (kind == "sandbox" ? null : DefaultCircuitThreshold),
        Number(settings, "circuitBreakerOpenSeconds") is { } s ? TimeSpan.FromSeconds(s) : DefaultCircuitOpenFor);

    public static void Validate(JsonObject settings, IDictionary<string, string[]> errors)
    {
        Check("rateLimitPerSecond", 0.1, 100_000, "a number of messages per second between 0.1 and 100000");
        Check("circuitBreakerThreshold", 1, 1000, "a whole number of consecutive failures between 1 and 1000", whole: true);
        Check("circuitBreakerOpenSeconds", 1, 3600, "a number of seconds between 1 and 3600");

        void Check(string name, double min, double max, string what, bool whole = false)
        {
            if (!settings.ContainsKey(name)) return;
            var v = Number(settings, name);
            if (v is null || v < min || v > max || (whole && v != Math.Floor(v.Value)))
                errors["settings." + name] = [$"'{name}' must be {what}."];
        }
    }

    /// <summary>A JSON number, or a string holding one (settings written by hand often quote numbers).</summary>
    private static double? Number(JsonObject settings, string name) => settings[name] switch
    {
        JsonValue v when v.GetValueKind() == JsonValueKind.Number => v.GetValue<double>(),
        JsonValue v when v.GetValueKind() == JsonValueKind.String
            && double.TryParse(v.GetValue<string>(), NumberStyles.Float, CultureInfo.InvariantCulture, out var d) => d,
        _ => null,
    };
}
