// Renders an order-confirmation email (layout, two partials, #each over 20 items, formatDate and
// formatCurrency) in a loop on one thread and prints renders per second; then renders it with our engine
// and with plain Handlebars.Net (PlainHandlebars) in alternating batches and prints ours ÷ plain.
// Usage: dotnet run -c Release --project bench/TemplateBench [seconds]
//        dotnet run -c Release --project bench/TemplateBench -- --isolation [renders] [threads]
// --isolation renders the render-isolation workload (Templates.Tests' RenderIsolationTests at any size): three tenants'
// nested block params, #with … as, partials, ../ and @data on several threads, each render compared with the same
// render done alone; it prints the differences (0 is the requirement) and the rate.
using System.Diagnostics;
using System.Text.Json.Nodes;
using NotificationService.Templates;
using NotificationService.Tests.Shared.RenderIsolation;

if (args.Length > 0 && args[0] == "--isolation")
{
    var target = args.Length > 1 ? long.Parse(args[1]) : 1_000_000;
    var threadCount = args.Length > 2 ? int.Parse(args[2]) : 4;
    var isolationEngine = RenderIsolationRun.Engine();
    var work = RenderIsolationRun.Work(tenants: 3, recipientsPerTenant: 24);
    var alone = work.Select(w => w.Render(isolationEngine)).ToArray();
    var rounds = (int)Math.Max(1, target / threadCount / work.Length);
    var isolationClock = Stopwatch.StartNew();
    var result = RenderIsolationRun.Concurrently(isolationEngine, work, alone, threadCount, rounds);
    Console.WriteLine($"{result.Renders:N0} renders on {threadCount} threads in {isolationClock.Elapsed.TotalSeconds:F1} s " +
        $"({result.Renders / isolationClock.Elapsed.TotalSeconds:N0}/s), {result.Differences} differences");
    if (result.FirstDifference is not null) Console.WriteLine("first: " + result.FirstDifference);
    Console.WriteLine($"load average: {ThreadCpu.LoadAverage()}");
    Environment.ExitCode = result.Differences == 0 ? 0 : 1;
    return;
}

var seconds = args.Length > 0 && double.TryParse(args[0], out var s) ? s : 5;
var engine = new TemplateEngine();
var definition = BenchTemplate.Definition;
var data = BenchTemplate.Data();
var options = new RenderOptions("en-US", "Europe/Paris");

var errors = engine.Validate(definition);
if (errors.Count > 0) throw new InvalidOperationException(string.Join("\n", errors));
var sample = engine.Render(definition, data, options);
Console.WriteLine($"html {sample.Parts["html"].Length} chars, text {sample.Parts["text"].Length} chars, subject: {sample.Parts["subject"]}");

if (Environment.GetEnvironmentVariable("BENCH_PARTS") == "1")
{
    var html = sample.Parts["html"];
    Time("DeriveText", () => TemplateEngine.DeriveText(html));
    Time("TemplateDataLimits.Check", () => TemplateDataLimits.Check(data));
    var plainOnly = new PlainHandlebars(definition);
    Time("render, ours", () => engine.Render(definition, data, options));
    Time("render, plain Handlebars.Net", () => plainOnly.Render(data));
}

static void Time(string name, Action action)
{
    // 2,000 warm-up calls finished before tiered JIT promoted the code (about 100 ms), so these figures
    // were tier-0 figures, two to five times the real cost. A fixed 20,000 calls was not always enough
    // either (tier-1 code is compiled in the background, later on a busy machine): warm up for a second.
    var warmUp = Stopwatch.StartNew();
    while (warmUp.Elapsed < TimeSpan.FromSeconds(1)) for (var i = 0; i < 1000; i++) action();
    var sw = Stopwatch.StartNew();
    var cpu = ThreadCpu.Seconds();
    for (var i = 0; i < 20000; i++) action();
    Console.WriteLine($"{name}: {sw.Elapsed.TotalMicroseconds / 20000:F1} us, {(ThreadCpu.Seconds() - cpu) * 1e6 / 20000:F1} us of thread CPU");
}

// Warm-up so tiered JIT has promoted the hot paths before we measure.
for (var i = 0; i < 20_000; i++) engine.Render(definition, data, options);

// Allocation per render drives gen-0 collections, part of the cost the rates above include.
var allocatedBefore = GC.GetAllocatedBytesForCurrentThread();
for (var i = 0; i < 1000; i++) engine.Render(definition, data, options);
Console.WriteLine($"allocated per render: {(GC.GetAllocatedBytesForCurrentThread() - allocatedBefore) / 1000:N0} bytes");

var renders = 0L;
var batchSeconds = new List<double>();
var cpuStart = CurrentThreadCpu();
var clock = Stopwatch.StartNew();
var deadline = TimeSpan.FromSeconds(seconds);
while (clock.Elapsed < deadline)
{
    var batchStart = clock.Elapsed;
    for (var i = 0; i < 1000; i++) engine.Render(definition, data, options);
    batchSeconds.Add((clock.Elapsed - batchStart).TotalSeconds);
    renders += 1000;
}
clock.Stop();
var cpu = CurrentThreadCpu() - cpuStart;
Console.WriteLine($"{renders} renders in {clock.Elapsed.TotalSeconds:F2} s on one thread: {renders / clock.Elapsed.TotalSeconds:N0} renders/s (wall clock)");
// On a shared machine the wall-clock rate includes time the thread spent waiting for a core;
// CPU time is what one core actually delivered.
Console.WriteLine($"thread CPU time {cpu.TotalSeconds:F2} s: {renders / cpu.TotalSeconds:N0} renders per CPU-second");
// Per batch of 1,000 renders (GC included): the median is the typical rate, the best is the least
// disturbed batch. Both are printed because the wall-clock average moves with the machine's load.
batchSeconds.Sort();
if (batchSeconds.Count > 0) // "-- 0" (just the part timings) runs no batch
    Console.WriteLine($"{batchSeconds.Count} batches of 1,000: median {1000 / batchSeconds[batchSeconds.Count / 2]:N0} renders/s, best {1000 / batchSeconds[0]:N0} renders/s");

// Ours against plain Handlebars.Net, in alternating batches of 1,000 so both see the same machine load
// (a noisy, shared machine moves either rate by more than the difference between them).
var plain = new PlainHandlebars(definition);
for (var i = 0; i < 20_000; i++) plain.Render(data);
var ours = new List<double>();
var theirs = new List<double>();
var theirsWithText = new List<double>();
// The same batches timed by this thread's CPU clock: on a machine whose load average is many times its core count
// the wall clock mostly measures the wait for a core, which lands on either side at random.
double oursCpu = 0, theirsCpu = 0, theirsWithTextCpu = 0;
var compared = Stopwatch.StartNew();
while (compared.Elapsed < deadline)
{
    var start = compared.Elapsed;
    var cpu0 = ThreadCpu.Seconds();
    for (var i = 0; i < 1000; i++) engine.Render(definition, data, options);
    var middle = compared.Elapsed;
    var cpu1 = ThreadCpu.Seconds();
    for (var i = 0; i < 1000; i++) plain.Render(data);
    var third = compared.Elapsed;
    var cpu2 = ThreadCpu.Seconds();
    for (var i = 0; i < 1000; i++) plain.Render(data, withTextPart: true);
    var cpu3 = ThreadCpu.Seconds();
    ours.Add((middle - start).TotalSeconds);
    theirs.Add((third - middle).TotalSeconds);
    theirsWithText.Add((compared.Elapsed - third).TotalSeconds);
    (oursCpu, theirsCpu, theirsWithTextCpu) = (oursCpu + cpu1 - cpu0, theirsCpu + cpu2 - cpu1, theirsWithTextCpu + cpu3 - cpu2);
}
ours.Sort();
theirs.Sort();
theirsWithText.Sort();
if (ours.Count > 0)
{
    double oursRate = 1000 / ours[ours.Count / 2], plainRate = 1000 / theirs[theirs.Count / 2];
    var sameParts = 1000 / theirsWithText[theirsWithText.Count / 2];
    Console.WriteLine($"{ours.Count} alternating batch triples, median renders/s: ours {oursRate:N0}, plain Handlebars.Net {plainRate:N0} (ours ÷ plain {oursRate / plainRate:F2}),");
    Console.WriteLine($"  plain Handlebars.Net + the same text part {sameParts:N0} (ours ÷ that {oursRate / sameParts:F2}); best batches: ours {1000 / ours[0]:N0}, plain {1000 / theirs[0]:N0}, plain + text {1000 / theirsWithText[0]:N0}");
    if (oursCpu > 0)
    {
        // Renders per second of this thread's CPU time (GC work done on this thread included, background GC not).
        double n = ours.Count * 1000.0, oursPerCpu = n / oursCpu, plainPerCpu = n / theirsCpu, withTextPerCpu = n / theirsWithTextCpu;
        Console.WriteLine($"  per CPU-second of the render thread: ours {oursPerCpu:N0}, plain {plainPerCpu:N0} (ours ÷ plain {oursPerCpu / plainPerCpu:F2}), plain + text {withTextPerCpu:N0} (ours ÷ that {oursPerCpu / withTextPerCpu:F2})");
    }
}
Console.WriteLine($"load average: {ThreadCpu.LoadAverage()}");

// Process CPU time: includes the GC and JIT threads, so it slightly understates the render thread's rate.
static TimeSpan CurrentThreadCpu() => System.Diagnostics.Process.GetCurrentProcess().TotalProcessorTime;

/// <summary>This thread's CPU time (Linux clock_gettime(CLOCK_THREAD_CPUTIME_ID)); 0 elsewhere, which turns the
/// CPU-time comparison off.</summary>
internal static class ThreadCpu
{
    private struct TimeSpec { public long Seconds; public long Nanoseconds; }

    [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "clock_gettime")]
    private static extern int ClockGetTime(int clock, out TimeSpec time);

    public static double Seconds()
    {
        if (!OperatingSystem.IsLinux()) return 0;
        return ClockGetTime(3, out var t) == 0 ? t.Seconds + t.Nanoseconds / 1e9 : 0;
    }

    public static string LoadAverage() => File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Trim() : "n/a";
}

internal static class BenchTemplate
{
    public static readonly TemplateDefinition Definition = new(
        Guid.Parse("00000000-0000-0000-0000-0000000000be"),
        "bench-order-confirmation-v1",
        [
            new TemplatePart("subject", "Order {{order.number}} confirmed, {{capitalize customer.firstName}}", false),
            new TemplatePart("html", """
                {{> header}}
                <p>Placed on {{formatDate order.placedAt "d MMMM yyyy HH:mm"}}</p>
                <table>
                  {{#each order.items}}
                  <tr class="{{#if @first}}first{{/if}}"><td>{{@index}}</td><td>{{name}}</td><td>{{quantity}}</td><td>{{formatCurrency price ../order.currency}}</td></tr>
                  {{/each}}
                </table>
                <p>Total: {{formatCurrency order.total order.currency}}</p>
                {{> footer}}
                """, true),
        ],
        new Dictionary<string, string>
        {
            ["header"] = "<h1>Thanks, {{customer.firstName}} {{customer.lastName}}!</h1>",
            ["footer"] = "<p class=\"footer\">{{company.name}} &middot; <a href=\"{{company.url}}/unsubscribe\">Unsubscribe</a></p>",
        },
        Layout: "<!doctype html><html><body style=\"font-family:sans-serif\">{{{body}}}<p>&copy; {{company.name}}</p></body></html>");

    /// <summary>Parsed from JSON text, as the data of a real send request arrives.</summary>
    public static JsonNode Data() => JsonNode.Parse(BuildData().ToJsonString())!;

    private static JsonNode BuildData()
    {
        var items = new JsonArray();
        for (var i = 1; i <= 20; i++)
            items.Add(new JsonObject { ["name"] = $"Item <{i}> & more", ["quantity"] = i % 3 + 1, ["price"] = 9.99m + i });
        return new JsonObject
        {
            ["customer"] = new JsonObject { ["firstName"] = "ada", ["lastName"] = "Lovelace" },
            ["company"] = new JsonObject { ["name"] = "ACME", ["url"] = "https://acme.example" },
            ["order"] = new JsonObject
            {
                ["number"] = "A-1042", ["placedAt"] = "2024-03-05T14:30:00Z", ["currency"] = "EUR",
                ["total"] = 523.47m, ["items"] = items,
            },
        };
    }
}
