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

    public static async Task EnqueueAsync(HttpClient http, string channel, int count)
    {
        long next = 0, accepted = 0;
        await Task.WhenAll(Enumerable.Range(0, Clients).Select(async _ =>
        {
            while (true)
            {
                var first = Interlocked.Add(ref next, PerRequest) - PerRequest;
                if (first >= count) return;
                var n = (int)Math.Min(PerRequest, count - first);
                using var content = new ByteArrayContent(Body(channel, first, n));
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
    private static byte[] Body(string channel, long first, int n)
    {
        var sb = new StringBuilder();
        sb.Append(channel == "email"
            ? """{"channel":"email","content":{"subject":"Order {{order}} shipped","body":"Hi {{name}}, order {{order}} is on its way."},"recipients":["""
            : """{"channel":"sms","content":{"body":"Hi {{name}}, order {{order}} is on its way."},"recipients":[""");
        for (var i = 0; i < n; i++)
        {
            var k = first + i;
            sb.Append(i == 0 ? "" : ",");
            sb.Append(channel == "email" ? $"{{\"email\":\"r{k}@example.com\"" : $"{{\"phone\":\"+1415{k % 10_000_000:D7}\"");
            sb.Append($",\"data\":{{\"name\":\"R{k}\",\"order\":{k}}}}}");
        }
        return Encoding.UTF8.GetBytes(sb.Append("]}").ToString());
    }
}
