using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using NotificationService.Features.Operations.Tracing;
using NotificationService.Queue;
using NotificationService.Tests.Features.Sending.Providers;
using NotificationService.Tests.Features.Sending.Webhooks;
using NotificationService.Tests.Support;

namespace NotificationService.Tests.Features.Operations.Tracing;

/// <summary>
/// Listens to the sources the OpenTelemetry tracer subscribes to, as its SDK would, and follows one notification: the
/// HTTP request that accepted it, the queue's "process" span that delivered it, and the HTTP calls to the provider and
/// to the tenant's webhook receiver, all in one trace.
/// </summary>
[Collection("service")]
public class TraceTests(ServiceFixture service)
{
    [Fact]
    public async Task One_trace_spans_the_accept_request_the_deliver_job_the_provider_call_and_the_outgoing_webhook()
    {
        var finished = new ConcurrentBag<Activity>();
        using var listener = RecordTracerSources(finished);
        await using var sendGrid = await LoopbackProvider.StartAsync(LoopbackProvider.SendGridAccepts);
        await using var receiver = await LoopbackReceiver.StartAsync();
        var tenant = await TenantSendingToAsync(sendGrid, receiver);

        // The caller's own trace: the service continues it rather than starting one.
        var callerTrace = ActivityTraceId.CreateRandom();
        var id = await SendInTraceAsync(tenant.Http, Api.Email(), callerTrace);
        await tenant.Http.WaitForStatusAsync(id, "sent");
        Activity? ProviderCall() => finished.FirstOrDefault(a => a.Source.Name == "System.Net.Http" && Url(a).StartsWith(sendGrid.BaseUrl));
        Activity? WebhookCall() => finished.FirstOrDefault(a => a.Source.Name == "System.Net.Http" && Url(a).StartsWith(receiver.Url));
        await Eventually.Async(() => ProviderCall() is not null && WebhookCall() is not null, "HTTP client activities for the provider call and the webhook");

        var providerCall = ProviderCall()!;
        var chain = Ancestors(providerCall, finished);
        var described = string.Join(" <- ", chain.Select(a => $"{a.Source.Name}:{a.DisplayName}"));
        Assert.True(chain.Count >= 3, described);
        Assert.Equal(JobTracing.SourceName, chain[1].Source.Name);                         // the batch's span, or the job's own where the claim mixed traces
        Assert.Equal("deliver process", chain[1].DisplayName);
        // The job continues the request's own span (the accept flush that committed it may have been another request's);
        // the flush's span, here this request's, is in the trace beside it.
        Assert.Contains(finished, a => a.Source.Name == "NotificationService.BatchingWriter" && a.TraceId == callerTrace);
        var request = chain[^1];                                                           // the accept request
        Assert.Equal("Microsoft.AspNetCore", request.Source.Name);
        Assert.Equal(ActivityKind.Server, request.Kind);
        Assert.Equal("POST /api/v1/services/notifications/send", request.DisplayName);
        Assert.Equal(callerTrace, request.TraceId);
        Assert.All(chain, a => Assert.Equal(callerTrace, a.TraceId));

        // The provider double received the trace context on the wire (its own server span is in the same trace),
        // and the notification.sent webhook, enqueued by the delivery, was sent within that trace too.
        Assert.Contains(finished, a => a.Source.Name == "Microsoft.AspNetCore" && a.Kind == ActivityKind.Server
            && a.TraceId == request.TraceId && a.ParentSpanId == providerCall.SpanId);
        Assert.Equal(request.TraceId, WebhookCall()!.TraceId);
    }

    [Fact]
    public async Task Two_requests_whose_jobs_are_claimed_in_one_batch_each_keep_their_own_trace_to_the_provider_and_the_webhook()
    {
        var finished = new ConcurrentBag<Activity>();
        using var listener = RecordTracerSources(finished);
        await using var sendGrid = await LoopbackProvider.StartAsync(LoopbackProvider.SendGridAccepts);
        await using var receiver = await LoopbackReceiver.StartAsync();
        var tenant = await TenantSendingToAsync(sendGrid, receiver);

        // Two requests, one after the other (two accept commits, two jobs), both scheduled an hour ahead and then made due
        // in one statement: the worker's one claim takes both, so the batch's span is in neither request's trace.
        var sendAt = DateTimeOffset.UtcNow.AddHours(1);
        var traces = new List<ActivityTraceId>();
        var ids = new List<Guid>();
        foreach (var to in new[] { "ada@example.com", "grace@example.com" })
        {
            traces.Add(ActivityTraceId.CreateRandom());
            ids.Add(await SendInTraceAsync(tenant.Http, new { channel = "email", recipient = new { email = to }, content = new { subject = "Hi", body = "Hello" }, sendAt },
                traces[^1]));
        }
        await service.DueNowAsync(tenant.Id);
        foreach (var id in ids) await tenant.Http.WaitForStatusAsync(id, "sent");
        List<Activity> Calls(string url) => finished.Where(a => a.Source.Name == "System.Net.Http" && Url(a).StartsWith(url)).ToList();
        await Eventually.Async(() => Calls(sendGrid.BaseUrl).Count == 2 && Calls(receiver.Url).Count == 2, "two provider calls and two webhook calls");

        var batches = new HashSet<ActivitySpanId>();
        foreach (var providerCall in Calls(sendGrid.BaseUrl))
        {
            var chain = Ancestors(providerCall, finished);
            var described = string.Join(" <- ", chain.Select(a => $"{a.Source.Name}:{a.DisplayName}"));
            var jobSpan = chain[1];                                                     // the job's own span, linked to the batch
            Assert.True(jobSpan.Source.Name == JobTracing.SourceName && jobSpan.DisplayName == "deliver process", described);
            batches.Add(Assert.Single(jobSpan.Links).Context.SpanId);
            Assert.Equal("POST /api/v1/services/notifications/send", chain[^1].DisplayName);
            Assert.All(chain, a => Assert.Equal(chain[^1].TraceId, a.TraceId));
        }
        var batch = finished.Single(a => a.SpanId == Assert.Single(batches));           // one claim held both jobs
        Assert.Equal("deliver process", batch.DisplayName);
        Assert.True(batch.GetTagItem("messaging.batch.message_count") is >= 2);        // (and a due job of an earlier spec may ride along)
        Assert.Equal(default, batch.ParentSpanId);                                      // and is a root of its own
        Assert.Equal(traces.ToHashSet(), Calls(sendGrid.BaseUrl).Select(a => a.TraceId).ToHashSet());
        Assert.Equal(traces.ToHashSet(), Calls(receiver.Url).Select(a => a.TraceId).ToHashSet());
    }

    [Fact]
    public async Task A_signed_links_token_never_reaches_a_span_the_route_template_stands_for_its_path()
    {
        const string token = "secret-link-token-4711";
        var finished = new ConcurrentBag<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = s => s.Name == "Microsoft.AspNetCore",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = finished.Add,
        };
        ActivitySource.AddActivityListener(listener);

        var client = service.Factory.CreateClient();
        Assert.Equal(System.Net.HttpStatusCode.NotFound, (await client.GetAsync($"/u/{token}")).StatusCode);   // a forged link: 404

        bool IsThatRequest(Activity a) => a.Kind == ActivityKind.Server && (a.GetTagItem("http.route") as string ?? "").StartsWith("/u/");
        await Eventually.Async(() => finished.Any(IsThatRequest), "the server span of the /u/ request");
        var span = finished.First(IsThatRequest);
        Assert.StartsWith("/u/{token}", span.GetTagItem("url.path") as string);
        Assert.DoesNotContain(span.TagObjects, t => t.Value?.ToString()?.Contains(token) == true);
        Assert.DoesNotContain(token, span.DisplayName);
    }

    [Fact]
    public async Task Without_a_tracer_the_job_still_stores_the_trace_of_the_request_that_accepted_it()
    {
        var tenant = await service.NewTenantAsync();
        var callerTrace = ActivityTraceId.CreateRandom();
        var id = await SendInTraceAsync(tenant.Http, // scheduled, so its job is still there to read
            new { channel = "email", recipient = new { email = "a@example.com" }, content = new { subject = "Hi", body = "Hello" }, sendAt = DateTimeOffset.UtcNow.AddHours(1) },
            callerTrace);
        var stored = await service.ScalarAsync<string>("select j.trace_parent from jobs j join notifications n on n.job_id = j.id where n.id = $1", id);
        Assert.StartsWith($"00-{callerTrace}-", stored);
    }

    [Fact]
    public void Without_an_OTLP_endpoint_no_tracer_is_built()
    {
        Assert.Null(service.Factory.Services.GetService<OpenTelemetry.Trace.TracerProvider>());
    }

    private static string Url(Activity a) => a.GetTagItem("url.full") as string ?? "";

    /// <summary>A send from a caller inside its own trace (`traceparent`), which the service continues; the new notification's id.</summary>
    private static async Task<Guid> SendInTraceAsync(HttpClient http, object body, ActivityTraceId trace)
    {
        var send = new HttpRequestMessage(HttpMethod.Post, Api.Send) { Content = JsonContent.Create(body) };
        send.Headers.Add("traceparent", $"00-{trace}-{ActivitySpanId.CreateRandom()}-01");
        var accepted = await http.SendAsync(send);
        Assert.Equal(System.Net.HttpStatusCode.Accepted, accepted.StatusCode);
        return Guid.Parse((await accepted.JsonAsync())["id"]!.GetValue<string>());
    }

    /// <summary>Records every activity of the sources the OpenTelemetry tracer subscribes to, as its SDK would.</summary>
    private static ActivityListener RecordTracerSources(ConcurrentBag<Activity> finished)
    {
        var listener = new ActivityListener
        {
            ShouldListenTo = s => TracingSetup.Sources.Contains(s.Name),
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = finished.Add,
        };
        ActivitySource.AddActivityListener(listener);
        return listener;
    }

    /// <summary>A tenant whose email goes to the loopback SendGrid and whose `notification.sent` events to the receiver.</summary>
    private async Task<TestTenant> TenantSendingToAsync(LoopbackServer sendGrid, LoopbackReceiver receiver)
    {
        var tenant = await service.BareTenantAsync();
        await ProviderApi.CreateAsync(tenant.Http, ProviderApi.SendGrid(sendGrid.BaseUrl, "sg"));
        (await tenant.Http.PostJsonAsync("/api/v1/admin/webhooks", new { url = receiver.Url, events = new[] { "notification.sent" } })).EnsureSuccessStatusCode();
        return tenant;
    }

    /// <summary>The activity, then its parent, and so on, as far as the recorded activities reach.</summary>
    private static List<Activity> Ancestors(Activity start, IEnumerable<Activity> all)
    {
        var bySpan = all.GroupBy(a => a.SpanId).ToDictionary(g => g.Key, g => g.First());
        var chain = new List<Activity> { start };
        while (chain[^1].ParentSpanId != default && bySpan.TryGetValue(chain[^1].ParentSpanId, out var parent)) chain.Add(parent);
        return chain;
    }
}
