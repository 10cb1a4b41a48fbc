using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.DependencyInjection;
using static NotificationService.Channels.Tests.TestSupport;

namespace NotificationService.Channels.Tests;

/// <summary>
/// Where the official OpenAPI documents and Stoplight Prism are. Specs: ../shared/specs next to the repository root
/// (the folder holding NotificationService.sln). Prism, first found of: $PRISM_BIN; `prism` on PATH;
/// node_modules/.bin/prism under the repository root; else `npx --yes @stoplight/prism-cli@5`.
/// To install it once outside the repository: `mkdir -p /tmp/prism-tools && cd /tmp/prism-tools && npm install @stoplight/prism-cli@5`
/// then `export PRISM_BIN=/tmp/prism-tools/node_modules/.bin/prism`.
/// </summary>
public static class ContractEnvironment
{
    public static readonly string? RepoRoot = FindRepoRoot();
    public static readonly string? SpecsDir = RepoRoot is null ? null : Path.GetFullPath(Path.Combine(RepoRoot, "..", "shared", "specs"));

    private static readonly Lazy<(string File, string[] PrefixArgs)?> PrismCommand = new(FindPrism);
    private static readonly Lazy<string?> ProbeFailure = new(Probe);

    /// <summary>Why contract tests must skip, or null when they can run.</summary>
    public static string? SkipReason
    {
        get
        {
            if (SpecsDir is null || !Directory.Exists(SpecsDir))
                return $"Contract specs skipped: the providers' OpenAPI documents (../shared/specs) are not beside the repository (looked at {SpecsDir ?? "<no NotificationService.sln above the test directory>"}); nothing installs them.";
            if (PrismCommand.Value is null)
                return "Contract specs skipped: Stoplight Prism not found. Install: bash scripts/install-test-tools.sh prism";
            return ProbeFailure.Value;
        }
    }

    private static string? FindRepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "NotificationService.sln"))) return dir.FullName;
        return null;
    }

    private static string? OnPath(string name) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(d => Path.Combine(d, name)).FirstOrDefault(File.Exists);

    private static (string, string[])? FindPrism()
    {
        if (Environment.GetEnvironmentVariable("PRISM_BIN") is { Length: > 0 } bin && File.Exists(bin)) return (bin, []);
        if (OnPath("prism") is { } onPath) return (onPath, []);
        if (RepoRoot is not null && Path.Combine(RepoRoot, "node_modules", ".bin", "prism") is var local && File.Exists(local)) return (local, []);
        if (RepoRoot is not null && Path.Combine(RepoRoot, ".tools", "node_modules", ".bin", "prism") is var tools && File.Exists(tools)) return (tools, []);   // scripts/install-test-tools.sh
        if (OnPath("npx") is { } npx) return (npx, ["--yes", "@stoplight/prism-cli@5"]);
        return null;
    }

    /// <summary>`prism --version` must answer within two minutes (npx may have to install it first).</summary>
    private static string? Probe()
    {
        var (file, prefix) = PrismCommand.Value!.Value;
        try
        {
            var psi = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            foreach (var a in prefix) psi.ArgumentList.Add(a);
            psi.ArgumentList.Add("--version");
            using var p = Process.Start(psi)!;
            p.StandardOutput.ReadToEndAsync();
            p.StandardError.ReadToEndAsync();
            if (!p.WaitForExit(120_000)) { p.Kill(true); return "Contract tests skipped: `prism --version` did not answer within 120 s."; }
            return p.ExitCode == 0 ? null : $"Contract tests skipped: Prism could not be started (`{file} --version` exited with {p.ExitCode}).";
        }
        catch (Exception ex)
        {
            return $"Contract tests skipped: Prism could not be started ({ex.Message}).";
        }
    }

    /// <summary>Starts `prism mock -h 127.0.0.1 -p PORT spec` and waits until it listens.</summary>
    public static async Task<PrismServer> StartPrismAsync(string relativeSpec)
    {
        var (file, prefix) = PrismCommand.Value!.Value;
        var port = SendGridAdapterTests.FreePort();
        var psi = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in prefix) psi.ArgumentList.Add(a);
        foreach (var a in new[] { "mock", "-h", "127.0.0.1", "-p", port.ToString(), Path.Combine(SpecsDir!, relativeSpec) }) psi.ArgumentList.Add(a);
        var process = Process.Start(psi)!;
        var log = new ConcurrentQueue<string>();
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) log.Enqueue(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) log.Enqueue(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var server = new PrismServer(process, $"http://127.0.0.1:{port}", log);
        // Prism parses the whole Twilio document (megabytes of JSON) before it listens: on a loaded two-core host, with the
        // other two starting at once, that took over 90 s once (all seven specs failed in a full run at load ~20).
        var deadline = DateTime.UtcNow.AddSeconds(240);
        while (DateTime.UtcNow < deadline)
        {
            if (process.HasExited) throw new InvalidOperationException($"Prism exited while loading {relativeSpec}: {string.Join("\n", log)}");
            try
            {
                using var tcp = new TcpClient();
                await tcp.ConnectAsync(IPAddress.Loopback, port);
                return server;
            }
            catch (SocketException) { await Task.Delay(250); }
        }
        server.Dispose();
        throw new TimeoutException($"Prism did not listen within 90 s for {relativeSpec}: {string.Join("\n", log)}");
    }
}

public sealed class PrismServer(Process process, string baseUrl, ConcurrentQueue<string> log) : IDisposable
{
    public string BaseUrl { get; } = baseUrl;
    public string Log => string.Join("\n", log);
    public void Dispose()
    {
        try { if (!process.HasExited) process.Kill(entireProcessTree: true); } catch (InvalidOperationException) { }
        process.Dispose();
    }
}

/// <summary>A fact that skips, with the reason, when ../shared/specs or Prism is unavailable.</summary>
public sealed class ContractFactAttribute : FactAttribute
{
    public ContractFactAttribute()
    {
        if (ContractEnvironment.SkipReason is { } reason) Skip = reason;
    }
}

/// <summary>One Prism per spec, started in parallel once for the class.</summary>
public sealed class PrismFixture : IAsyncLifetime
{
    public PrismServer? Twilio, SendGrid, Meta;

    public async Task InitializeAsync()
    {
        if (ContractEnvironment.SkipReason is not null) return;
        var twilio = ContractEnvironment.StartPrismAsync("twilio-oai/twilio_api_v2010.json");
        var sendGrid = ContractEnvironment.StartPrismAsync("sendgrid-oai-tsg/tsg_mail_v3.json");
        var meta = ContractEnvironment.StartPrismAsync("meta-openapi/business-messaging-api_v23.0.yaml");
        try { await Task.WhenAll(twilio, sendGrid, meta); }
        finally
        {
            Twilio = twilio.IsCompletedSuccessfully ? twilio.Result : null;
            SendGrid = sendGrid.IsCompletedSuccessfully ? sendGrid.Result : null;
            Meta = meta.IsCompletedSuccessfully ? meta.Result : null;
        }
    }

    public Task DisposeAsync()
    {
        Twilio?.Dispose();
        SendGrid?.Dispose();
        Meta?.Dispose();
        return Task.CompletedTask;
    }
}

/// <summary>Records every provider response so a contract violation (Prism's 422) shows Prism's explanation.</summary>
internal sealed class ResponseRecorder(ConcurrentQueue<string> sink) : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken ct)
    {
        var response = await base.SendAsync(request, ct);
        await response.Content.LoadIntoBufferAsync(ct);
        sink.Enqueue($"{request.Method} {request.RequestUri!.AbsolutePath} -> {(int)response.StatusCode} {await response.Content.ReadAsStringAsync(ct)}");
        return response;
    }
}

/// <summary>
/// Sends through the real adapters against Stoplight Prism serving the providers' official OpenAPI documents:
/// Prism answers 422 (or 400/401) to any request that breaks the contract, so anything but Sent fails.
/// </summary>
[Trait("Category", "Contract")]
public sealed class ContractTests(PrismFixture prism) : IClassFixture<PrismFixture>
{
    private readonly ConcurrentQueue<string> _responses = new();

    private async Task AssertSent(string kind, OutgoingMessage message, ProviderConfig config, PrismServer? server)
    {
        Assert.NotNull(server);
        using var sp = Services(TimeSpan.FromSeconds(30), s =>
        {
            foreach (var name in new[] { "sendgrid", "twilio", "meta" })
                s.AddHttpClient(name).AddHttpMessageHandler(() => new ResponseRecorder(_responses));
        });
        var result = await sp.Adapter(kind).SendAsync(message, config, CancellationToken.None);
        var exchanges = string.Join("\n", _responses);
        Assert.False(exchanges.Contains("-> 422"), $"{kind}: Prism reports a contract violation (422):\n{exchanges}");
        Assert.True(result is DeliveryResult.Sent, $"{kind} against Prism: {result}\n{exchanges}");
    }

    private const string AccountSid = "AC0123456789abcdef0123456789abcdef";

    private static ProviderConfig Twilio(string kind, string baseUrl, bool messagingService = false) => Config(kind, kind == "twilio_sms" ? "sms" : "whatsapp",
        messagingService
            ? new Dictionary<string, string> { ["baseUrl"] = baseUrl, ["accountSid"] = AccountSid, ["messagingServiceSid"] = "MG0123456789abcdef0123456789abcdef" }
            : new Dictionary<string, string> { ["baseUrl"] = baseUrl, ["accountSid"] = AccountSid, ["from"] = "+14155550100" },
        new() { ["authToken"] = "contract-test-token" });

    [ContractFact]
    public Task SendGrid_mail_send() => AssertSent("sendgrid",
        Message("email", new Recipient(Email: "alice@example.org"), new RenderedContent(Subject: "Héllo ✓", Body: "Text", Html: "<p>Html</p>"),
            new Dictionary<string, string> { ["unsubscribeUrl"] = "https://example.com/unsub" }, category: "orders"),
        Config("sendgrid", "email", new { baseUrl = prism.SendGrid?.BaseUrl, fromEmail = "noreply@example.com", fromName = "Example", replyTo = "support@example.com" },
            new() { ["apiKey"] = "SG.contract" }),
        prism.SendGrid);

    [ContractFact]
    public Task Twilio_sms_with_from_and_status_callback() => AssertSent("twilio_sms",
        Message("sms", new Recipient(Phone: "+447700900123"), new RenderedContent(Body: "Your code is 1234"), callbackBaseUrl: "https://notify.example.com"),
        Twilio("twilio_sms", prism.Twilio?.BaseUrl!), prism.Twilio);

    [ContractFact]
    public Task Twilio_sms_with_messaging_service() => AssertSent("twilio_sms",
        Message("sms", new Recipient(Phone: "+447700900123"), new RenderedContent(Body: "Hi")),
        Twilio("twilio_sms", prism.Twilio?.BaseUrl!, messagingService: true), prism.Twilio);

    [ContractFact]
    public Task Twilio_whatsapp_text() => AssertSent("twilio_whatsapp",
        Message("whatsapp", new Recipient(Phone: "+447700900123"), new RenderedContent(Body: "Hello on WhatsApp"), callbackBaseUrl: "https://notify.example.com"),
        Twilio("twilio_whatsapp", prism.Twilio?.BaseUrl!), prism.Twilio);

    [ContractFact]
    public Task Twilio_whatsapp_content_template() => AssertSent("twilio_whatsapp",
        Message("whatsapp", new Recipient(Phone: "+447700900123"),
            new RenderedContent(WhatsAppTemplate: new WhatsAppTemplateRef("HX0123456789abcdef0123456789abcdef", "en", ["Alice", "42"]))),
        Twilio("twilio_whatsapp", prism.Twilio?.BaseUrl!), prism.Twilio);

    private ProviderConfig Meta() => Config("meta_whatsapp", "whatsapp",
        new { baseUrl = prism.Meta?.BaseUrl, phoneNumberId = "106540352242922" }, new() { ["accessToken"] = "EAAG-contract" });

    [ContractFact]
    public Task Meta_whatsapp_text() => AssertSent("meta_whatsapp",
        Message("whatsapp", new Recipient(Phone: "+447700900123"), new RenderedContent(Body: "Hello https://example.com")), Meta(), prism.Meta);

    [ContractFact]
    public Task Meta_whatsapp_template() => AssertSent("meta_whatsapp",
        Message("whatsapp", new Recipient(Phone: "+447700900123"),
            new RenderedContent(WhatsAppTemplate: new WhatsAppTemplateRef("order_shipped", "en_US", ["Alice", "#42"]))), Meta(), prism.Meta);
}
