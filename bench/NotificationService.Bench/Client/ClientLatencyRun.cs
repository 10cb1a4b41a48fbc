using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using NotificationService.Bench.Service;
using NotificationService.Client;

namespace NotificationService.Bench.Client;

/// <summary>
/// What the .NET client adds to a send: one Mode=api process, then closed-loop rounds of sequential sends (one at a time,
/// so each latency is the call's own) alternating HttpClient by hand and the client (by hand, client, client, by hand, …)
/// so drift on a shared host falls on both. Both send the same bytes with an Idempotency-Key (the client always sends
/// one, so the hand-written call does too: the service's work is the same) and read the id from the answer; the client
/// goes through its resilience pipeline, which retries nothing here. Each kind first sends a warm-up round, not counted.
/// </summary>
public static class ClientLatencyRun
{
    public const string Phase = "client";

    private static readonly byte[] Body = Encoding.UTF8.GetBytes(
        """{"channel":"email","recipient":{"email":"a@example.com"},"content":{"subject":"Hi","body":"Hello {{name}}"},"data":{"name":"bench"}}""");

    private static readonly SendRequest Request = new()
    {
        Channel = "email", Recipient = new Recipient { Email = "a@example.com" },
        Content = new MessageContent { Subject = "Hi", Body = "Hello {{name}}" }, Data = new() { ["name"] = "bench" },
    };

    public static async Task<ClientLatencyResult> MeasureAsync(string dll, string connectionString, BenchOptions options)
    {
        var sends = options.Smoke ? 20 : options.Quick ? 500 : 2_000;
        var rounds = options.Smoke ? 2 : options.Quick ? 4 : 8;
        await using var api = await ServiceProcess.StartAsync(dll, connectionString, "api");

        using var hand = new HttpClient(new SocketsHttpHandler { UseProxy = false, PooledConnectionLifetime = Timeout.InfiniteTimeSpan })
            { BaseAddress = api.BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
        hand.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", ServiceProcess.ApiKey);
        var services = new ServiceCollection();
        services.AddNotificationServiceClient(o => { o.BaseAddress = api.BaseAddress; o.ApiKey = ServiceProcess.ApiKey; })
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler { UseProxy = false });
        await using var provider = services.BuildServiceProvider();
        var client = provider.GetRequiredService<NotificationServiceClient>();

        Func<Task> byHand = () => SendByHandAsync(hand), byClient = () => client.Notifications.SendAsync(Request);
        Progress.Show($"client: warm-up, {sends} sends of each kind (not in the figure)");
        await RoundAsync(byHand, sends);
        await RoundAsync(byClient, sends);

        var handMs = new List<double>();
        var clientMs = new List<double>();
        for (var i = 0; i < rounds; i++)
        {
            var clientFirst = i % 4 is 1 or 2;   // hand, client, client, hand, …
            Progress.Show($"client: round {i + 1}/{rounds}, {(clientFirst ? "client" : "by hand")} then {(clientFirst ? "by hand" : "client")}");
            (clientFirst ? clientMs : handMs).AddRange(await RoundAsync(clientFirst ? byClient : byHand, sends));
            (clientFirst ? handMs : clientMs).AddRange(await RoundAsync(clientFirst ? byHand : byClient, sends));
        }
        return new ClientLatencyResult(sends * rounds, new Percentiles(handMs), new Percentiles(clientMs));
    }

    private static async Task<List<double>> RoundAsync(Func<Task> send, int count)
    {
        var ms = new List<double>(count);
        for (var i = 0; i < count; i++)
        {
            var started = Stopwatch.GetTimestamp();
            await send();
            ms.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        }
        return ms;
    }

    /// <summary>What a service writes without the client: the body, a key, the POST, the status check, the id.</summary>
    private static async Task SendByHandAsync(HttpClient http)
    {
        using var content = new ByteArrayContent(Body);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        using var request = new HttpRequestMessage(HttpMethod.Post, "api/v1/services/notifications/send") { Content = content };
        request.Headers.Add("Idempotency-Key", Guid.NewGuid().ToString("N"));
        using var response = await http.SendAsync(request);
        if (response.StatusCode != HttpStatusCode.Accepted) throw new InvalidOperationException($"send answered {(int)response.StatusCode}");
        using var doc = JsonDocument.Parse(await response.Content.ReadAsByteArrayAsync());
        _ = doc.RootElement.GetProperty("id").GetGuid();
    }
}

/// <summary>Send latency by hand and through the client, in the same run.</summary>
public sealed record ClientLatencyResult(int SendsPerKind, Percentiles ByHand, Percentiles ByClient)
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    public double RatioP50 => ByClient.P50 / ByHand.P50;
    public double RatioP99 => ByClient.P99 / ByHand.P99;

    public int FigureCount => new[] { ByHand.P50, ByClient.P50, ByHand.P99, ByClient.P99 }.Count(double.IsFinite);

    public void Append(StringBuilder sb)
    {
        sb.AppendLine();
        sb.AppendLine("## The .NET client's cost on a send");
        sb.AppendLine();
        sb.AppendLine($"Sequential sends to one Mode=api service, {SendsPerKind:N0} of each kind, in alternating rounds (by hand, client, client, by hand, …).");
        sb.AppendLine();
        sb.AppendLine("| kind | p50 ms | p99 ms |");
        sb.AppendLine("|---|---:|---:|");
        sb.AppendLine(string.Create(Inv, $"| HttpClient by hand | {ByHand.P50:N2} | {ByHand.P99:N2} |"));
        sb.AppendLine(string.Create(Inv, $"| NotificationServiceClient | {ByClient.P50:N2} | {ByClient.P99:N2} |"));
        sb.AppendLine(string.Create(Inv, $"| client ÷ by hand | {RatioP50:0.000} | {RatioP99:0.000} |"));
        sb.AppendLine();
        sb.AppendLine(string.Create(Inv, $"Target: the client adds at most 5 % to a send's p50 ({(RatioP50 <= 1.05 ? "met" : "**not met**")}, {RatioP50:0.000})."));
    }
}
