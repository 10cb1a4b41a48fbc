using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using NotificationService.Postgres;

// RateLimitBench: does a provider config's rateLimitPerSecond hold across replicas?
// One API process and N worker processes of the real service share one PostgreSQL; a loopback SendGrid double
// timestamps every request. The backlog is kept larger than limit × duration, so the workers are always
// pushing against the limit; the figure is requests received in [first + 1 s, first + 1 s + duration).
// Usage: dotnet run -c Release --project bench/RateLimitBench -- [limit=50] [seconds=30] [workers=2]
var limit = args.Length > 0 ? int.Parse(args[0]) : 50;
var seconds = args.Length > 1 ? int.Parse(args[1]) : 30;
var workers = args.Length > 2 ? int.Parse(args[2]) : 2;
var backlog = limit * (seconds + 6);

var hits = new ConcurrentQueue<DateTimeOffset>();
var fake = WebApplication.CreateSlimBuilder();
fake.Logging.ClearProviders();
fake.WebHost.UseKestrel(o => o.Listen(IPAddress.Loopback, 0));
await using var sendGrid = fake.Build();
sendGrid.Run(ctx => { hits.Enqueue(DateTimeOffset.UtcNow); ctx.Response.StatusCode = 202; ctx.Response.Headers["X-Message-Id"] = "m"; return Task.CompletedTask; });
await sendGrid.StartAsync();

var cs = Environment.GetEnvironmentVariable("ConnectionStrings__Postgres") ?? await TestDatabase.CreateAsync("ratebench");
var dll = Path.Combine(AppContext.BaseDirectory, "NotificationService.dll");
var key = Convert.ToBase64String(Enumerable.Repeat((byte)7, 32).ToArray());
Process Start(string mode, int port, params string[] extra)
{
    var psi = new ProcessStartInfo("dotnet", [dll, .. extra, "--urls", $"http://127.0.0.1:{port}"]) { RedirectStandardOutput = true, RedirectStandardError = true };
    psi.Environment["ConnectionStrings__Postgres"] = cs;
    psi.Environment["Secrets__Keys__bench"] = key;
    psi.Environment["Mode"] = mode;
    psi.Environment["Seed__OnStart"] = "false";
    psi.Environment["Logging__LogLevel__Default"] = "Warning";
    var p = Process.Start(psi)!;
    p.OutputDataReceived += (_, _) => { };
    p.ErrorDataReceived += (_, e) => { if (e.Data is not null) Console.Error.WriteLine($"[{mode}:{p.Id}] {e.Data}"); };
    p.BeginOutputReadLine();
    p.BeginErrorReadLine();
    return p;
}
int FreePort() { var l = new TcpListener(IPAddress.Loopback, 0); l.Start(); var port = ((IPEndPoint)l.LocalEndpoint).Port; l.Stop(); return port; }

var create = Process.Start(new ProcessStartInfo("dotnet", [dll, "tenants", "create", "--name", "ratebench", "--json"])
{ RedirectStandardOutput = true, Environment = { ["ConnectionStrings__Postgres"] = cs, ["Secrets__Keys__bench"] = key } })!;
var apiKey = JsonNode.Parse((await create.StandardOutput.ReadToEndAsync()).Trim().Split('\n').Last())!["apiKey"]!.GetValue<string>();
await create.WaitForExitAsync();

var apiPort = FreePort();
var processes = new List<Process> { Start("api", apiPort) };
using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{apiPort}") };
http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", apiKey);
for (var i = 0; ; i++)
{
    try { if ((await http.GetAsync("/health/live")).IsSuccessStatusCode) break; } catch (HttpRequestException) { }
    if (i > 300) throw new TimeoutException("api did not start");
    await Task.Delay(100);
}
var created = await http.PostAsJsonAsync("/api/v1/admin/providers", new
{
    channel = "email", kind = "sendgrid", name = "limited",
    settings = new { baseUrl = sendGrid.Urls.First(), fromEmail = "bench@example.com", rateLimitPerSecond = limit },
    secrets = new { apiKey = "SG.bench" },
});
if (!created.IsSuccessStatusCode) throw new Exception(await created.Content.ReadAsStringAsync());

Console.WriteLine($"enqueueing {backlog} emails, then starting {workers} worker processes (limit {limit}/s, {seconds} s)");
await Parallel.ForEachAsync(Enumerable.Range(0, backlog), new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (i, ct) =>
{
    var r = await http.PostAsJsonAsync("/api/v1/services/notifications/send",
        new { channel = "email", recipient = new { email = $"user{i}@example.com" }, content = new { subject = "s", body = "b" } }, ct);
    r.EnsureSuccessStatusCode();
});
for (var w = 0; w < workers; w++) processes.Add(Start("worker", FreePort()));

try
{
    while (hits.IsEmpty) await Task.Delay(50);
    var first = hits.First();
    var from = first.AddSeconds(1);
    var to = from.AddSeconds(seconds);
    while (DateTimeOffset.UtcNow < to.AddSeconds(1)) await Task.Delay(200);
    var inWindow = hits.Where(h => h >= from && h < to).ToList();
    var perSecond = inWindow.GroupBy(h => (int)(h - from).TotalSeconds).Select(g => g.Count()).ToList();
    var rate = inWindow.Count / (double)seconds;
    Console.WriteLine($"received {inWindow.Count} requests in {seconds} s with {workers} worker processes: {rate:0.00}/s " +
        $"(limit {limit}/s, {(rate / limit - 1) * 100:+0.0;-0.0}%); per 1 s slice min {perSecond.Min()} max {perSecond.Max()}");
    return Math.Abs(rate / limit - 1) <= 0.05 ? 0 : 1;
}
finally
{
    foreach (var p in processes) { try { p.Kill(entireProcessTree: true); } catch (InvalidOperationException) { } }
}
