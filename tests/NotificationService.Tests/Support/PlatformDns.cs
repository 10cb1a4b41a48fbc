using System.Collections.Concurrent;
using System.Net;

namespace NotificationService.Tests.Support;

/// <summary>
/// The DNS the test hosts' outbound guard asks. The chat platforms' own names answer with a public address (the test
/// machine may have no DNS, and the service asks when a webhook URL is saved); a spec may make a name answer as it
/// wants, such as a platform name pointing at a private address. Any other name goes to the system's DNS.
/// </summary>
public sealed class PlatformDns
{
    private static readonly IPAddress[] PublicAddress = [IPAddress.Parse("162.159.128.233")];
    private static readonly string[] Hosts = ["hooks.slack.com", "discord.com", "discordapp.com", "ptb.discord.com", "canary.discord.com"];
    private static readonly string[] Suffixes = [".logic.azure.com", ".api.powerplatform.com"];

    public ConcurrentDictionary<string, IPAddress[]> Answers { get; } = new(StringComparer.OrdinalIgnoreCase);

    public Task<IPAddress[]> ResolveAsync(string host, CancellationToken ct) =>
        Answers.TryGetValue(host, out var answer) ? Task.FromResult(answer)
        : Hosts.Contains(host, StringComparer.OrdinalIgnoreCase) || Suffixes.Any(s => host.EndsWith(s, StringComparison.OrdinalIgnoreCase))
            ? Task.FromResult(PublicAddress)
            : Dns.GetHostAddressesAsync(host, ct);
}
