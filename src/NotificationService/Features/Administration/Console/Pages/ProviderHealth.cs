using NotificationService.Features.Sending.Providers;

namespace NotificationService.Features.Administration.Console.Pages;

/// <summary>
/// A provider config with the circuit this replica holds for it: the one place console pages (the overview and the
/// providers page) read <see cref="CircuitBreakers"/>. Circuits live in each replica's memory, so this is what the
/// replica that served the page has seen.
/// </summary>
public sealed record ProviderHealth(ProviderView Provider, CircuitState Circuit)
{
    public static IEnumerable<ProviderHealth> Of(IEnumerable<ProviderView> providers, CircuitBreakers circuits) =>
        providers.Select(p => new ProviderHealth(p, circuits.StateOf(p.Id)));

    /// <summary>"closed", "half-open", or "open until 12:00:00 UTC".</summary>
    public string CircuitText => Circuit.State.Replace('_', '-') + (Circuit.OpenUntil is { } until ? $" until {until:HH:mm:ss} UTC" : "");
}
