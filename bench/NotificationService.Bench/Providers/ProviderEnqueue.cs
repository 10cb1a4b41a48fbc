using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;

namespace NotificationService.Bench.Providers;

/// <summary>
/// Queues N notifications on a channel through the public batch API (1,000 recipients per request, a few
/// requests at once): the fastest way a real client has, and the rows are the service's own.
/// </summary>
public static class ProviderEnqueue
{
    private const int PerRequest = 1000;
    private const int Clients = 4;

    /// <param name="chatKind">For channel chat: the kind whose destinations the recipients name.</param>
    /// <param name="sendAt">Held until then (a phase makes them due when it drains them).</param>
    public static async Task EnqueueAsync(HttpClient http, string channel, int count, string? chatKind = null, DateTimeOffset? sendAt = null)
    {
        long next = 0, accepted = 0;
        await Task.WhenAll(Enumerable.Range(0, Clients).Select(async _ =>
        {
            while (true)
            {
                var first = Interlocked.Add(ref next, PerRequest) - PerRequest;
                if (first >= count) return;
                var n = (int)Math.Min(PerRequest, count - first);
                using var content = new ByteArrayContent(Body(channel, first, n, chatKind, sendAt));
                content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
                using var response = await http.PostAsync("api/v1/services/notifications/send-batch", content);
                var text = await response.Content.ReadAsStringAsync();
                // A partly rejected batch would silently shrink N: the run needs every recipient accepted.
                if (response.StatusCode != HttpStatusCode.Accepted || JsonNode.Parse(text)?["accepted"]?.GetValue<int>() != n)
                    throw new InvalidOperationException($"send-batch ({channel}): {(int)response.StatusCode} {text[..Math.Min(text.Length, 400)]}");
                Progress.Show($"providers: {Interlocked.Add(ref accepted, n):N0}/{count:N0} {channel} notifications queued");
            }
        }));
    }

    /// <summary>Inline content with per-recipient data, so every message is rendered as it would be for a real send.</summary>
    private static byte[] Body(string channel, long first, int n, string? chatKind, DateTimeOffset? sendAt)
    {
        var sb = new StringBuilder();
        sb.Append(channel switch
        {
            "email" => """{"channel":"email","content":{"subject":"Order {{order}} shipped","body":"Hi {{name}}, order {{order}} is on its way."},""",
            _ => "{\"channel\":\"" + channel + "\",\"content\":{\"body\":\"Hi {{name}}, order {{order}} is on its way.\"},",
        });
        if (sendAt is { } at) sb.Append($"\"sendAt\":\"{at:O}\",");
        sb.Append("\"recipients\":[");
        for (var i = 0; i < n; i++)
        {
            var k = first + i;
            sb.Append(i == 0 ? "" : ",");
            sb.Append(channel switch
            {
                "email" => $"{{\"email\":\"r{k}@example.com\"",
                "chat" => $"{{\"chat\":{System.Text.Json.JsonSerializer.Serialize(ChatDestination(chatKind!, k))}",
                _ => $"{{\"phone\":\"+1415{k % 10_000_000:D7}\"",
            });
            sb.Append($",\"data\":{{\"name\":\"R{k}\",\"order\":{k}}}}}");
        }
        return Encoding.UTF8.GetBytes(sb.Append("]}").ToString());
    }

    /// <summary>Recipient k's chat destination for a kind: its own Slack channel (Slack paces per conversation), its own
    /// Teams or Discord webhook, or none for an incoming webhook (the config's own).</summary>
    public static object ChatDestination(string kind, long k) => kind switch
    {
        "slack" => new { slack = new { channelId = $"C{k:D10}" } },
        "teams_webhook" => new { teams = new { webhookUrl = $"https://prod-00.westus.logic.azure.com/workflows/w{k}/triggers/manual/paths/invoke?sig=s" } },
        "discord_webhook" => new { discord = new { webhookUrl = $"https://discord.com/api/webhooks/{k + 1}/bench-token" } },
        _ => new { },
    };
}
