using System.Text.RegularExpressions;

namespace NotificationService.Channels.Chat;

/// <summary>
/// The hosts a tenant's or a user's chat webhook URL may name, per kind: an https URL of the platform's own webhook hosts
/// only (Slack incoming webhooks, Discord webhooks, Teams Workflows triggers), so a profile cannot turn the worker into a
/// request forwarder. The outbound guard still checks the address actually connected to. A test double is the operator's
/// choice (<see cref="ChatDoubles"/>), never a URL a tenant gives.
/// </summary>
public static partial class ChatUrls
{
    [GeneratedRegex(@"^/services/[A-Za-z0-9]+/[A-Za-z0-9]+/[A-Za-z0-9]+$")] private static partial Regex SlackHookPath();
    [GeneratedRegex(@"^/api(/v[0-9]+)?/webhooks/[0-9]{1,20}/[A-Za-z0-9_\-]{1,100}$")] private static partial Regex DiscordHookPath();

    public const int MaxUrlLength = 2048;

    /// <summary>Teams Workflows trigger hosts as Microsoft documents them (Power Automate's regional Logic Apps hosts and the
    /// Power Platform environment hosts that replace them).</summary>
    private static readonly string[] TeamsHostSuffixes = [".logic.azure.com", ".api.powerplatform.com"];
    private static readonly string[] DiscordHosts = ["discord.com", "discordapp.com", "ptb.discord.com", "canary.discord.com"];

    /// <summary>Null when <paramref name="url"/> is acceptable for <paramref name="kind"/>'s webhook; otherwise why not (never
    /// echoing the URL, which holds a token).</summary>
    public static string? Problem(string kind, string? url)
    {
        if (string.IsNullOrWhiteSpace(url)) return "A webhook URL is required.";
        if (url.Length > MaxUrlLength || !Uri.TryCreate(url, UriKind.Absolute, out var u)) return "Not an absolute URL.";
        if (u.Scheme != Uri.UriSchemeHttps) return "A chat webhook URL is https.";
        if (!u.IsDefaultPort || u.UserInfo.Length > 0) return "A chat webhook URL names no port and no user information.";
        var host = u.IdnHost.ToLowerInvariant();
        return kind switch
        {
            ProviderKinds.SlackWebhook when host != "hooks.slack.com" || !SlackHookPath().IsMatch(u.AbsolutePath)
                => "A Slack incoming-webhook URL is https://hooks.slack.com/services/….",
            ProviderKinds.DiscordWebhook when !DiscordHosts.Contains(host) || !DiscordHookPath().IsMatch(u.AbsolutePath)
                => "A Discord webhook URL is https://discord.com/api/webhooks/{id}/{token}.",
            ProviderKinds.TeamsWebhook when !TeamsHostSuffixes.Any(s => host.EndsWith(s, StringComparison.Ordinal))
                => "A Teams webhook URL is a Workflows trigger URL (https://….logic.azure.com/… or "
                   + "https://….api.powerplatform.com/…).",
            _ => null,
        };
    }

    /// <summary>The platform entry of a profile's `chat` object that a kind reads.</summary>
    public static string PlatformOf(string kind) => kind switch
    {
        ProviderKinds.Slack or ProviderKinds.SlackWebhook => "slack",
        ProviderKinds.TeamsWebhook => "teams",
        _ => "discord",
    };
}
