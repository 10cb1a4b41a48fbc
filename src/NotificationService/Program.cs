using NotificationService.Features.Tenancy.ApiKeyAdmin;
using NotificationService.Features.Tenancy.Audit;
using NotificationService.Features.Tenancy.Quotas;
using NotificationService.Features.Tenancy.Auth;
using NotificationService.Features.Sending.Batches;
using NotificationService.Features.Sending.Bulk;
using NotificationService.Features.Administration.ConfigAsCode;
using NotificationService.Features.Administration.Console;
using NotificationService.Features.Administration.Members;
using NotificationService.Features.Sending.Delivery;
using NotificationService.Features.People.Devices;
using NotificationService.Features.People.EndUserAuth;
using NotificationService.Features.People.Inbox;
using NotificationService.Features.Sending.InboxClicks;
using NotificationService.Features.Operations.Health;
using NotificationService.Features.Operations.Metrics;
using NotificationService.Features.Sending.Notifications;
using NotificationService.Features.People.Preferences;
using NotificationService.Features.Administration.Privacy;
using NotificationService.Features.Sending.Providers;
using NotificationService.Features.Operations.QueueAdmin;
using NotificationService.Features.People.Recipients;
using NotificationService.Features.Operations.Seed;
using NotificationService.Features.Sending.Templates;
using NotificationService.Features.Operations.Tracing;
using NotificationService.Features.Sending.ProviderCallbacks;
using NotificationService.Features.Tenancy.RateLimits;
using NotificationService.Features.Operations.Retention;
using NotificationService.Features.Operations.Jobs;
using NotificationService.Features.Sending.Suppressions;
using NotificationService.Features.Tenancy.Tenants;
using NotificationService.Features.Tenancy.Suspension;
using NotificationService.Features.Administration.Platform;
using NotificationService.Features.Tenancy.TenantSettings;
using NotificationService.Features.Sending.Topics;
using NotificationService.Features.Operations.Analytics;
using NotificationService.Features.Operations.Usage;
using NotificationService.Features.Sending.Webhooks;
using NotificationService.Features.Automation.Digests;
using NotificationService.Features.Automation.WorkflowEditor.StepProblems;
using NotificationService.Features.Automation.Workflows;
using NotificationService.Features.People.WebOrigins;
using NotificationService.Features.People.InboxSdk;
using NotificationService.Features.Administration.Sso;
using NotificationService.Features.Administration.JobsDashboard;
using NotificationService.Features.Agents.Mcp;
using NotificationService.Hosting;
using NotificationService.Infrastructure;

// NotificationService: `serve` (default), `migrate`, `seed`, `tenants create`. See Hosting/Cli.cs.
try
{
    return await Cli.RunAsync(args);
}
catch (InvalidConfigurationException e)
{
    Console.Error.WriteLine($"error: {e.Message}");
    return StartupConfiguration.InvalidConfigurationExitCode;
}

/// <summary>The table of contents: every capability is one Add/Map pair in its feature folder.</summary>
public static class ServiceComposition
{
    public static async Task<WebApplication> BuildAsync(string[] args)
    {
        // No reload-on-change: the file watcher behind it watches the content root recursively, and the embedded
        // default keeps PostgreSQL's data directory there, so every WAL write woke it (7.5 % of the service's CPU
        // during a bulk job). Configuration changes take a restart, as they do in a container anyway.
        var builder = WebApplication.CreateBuilder([.. args, "--hostBuilder:reloadConfigOnChange=false"]);
        // Every registration checked at build in Development, as ASP.NET Core's default does: the in-process spec hosts run
        // there, so a registration that cannot be built fails the suite; a production process skips the walk (~0.25 CPU s a start).
        var development = builder.Environment.IsDevelopment();
        builder.Host.UseDefaultServiceProvider(o => { o.ValidateOnBuild = development; o.ValidateScopes = true; });
        StartupConfiguration.Validate(builder.Configuration);
        builder.AddStructuredLogging();           // trace/span ids on every line, tenant scopes; JSON when configured (image, chart)
        await builder.AddDatabaseAsync();
        builder.AddServiceFeatures(includeWorkers: ServiceMode.RunsWorkers(builder.Configuration));

        var app = builder.Build();
        app.UseForwardedHeadersFromProxies();  // behind configured proxies only: the client's address and scheme (ForwardedHeaders:*)
        app.UseRequestTracing();              // request spans named by route template (when a tracer listens)
        app.UseApiErrors();
        app.UseStorableInput();               // NUL or a lone surrogate in the path or query: 400 naming it, not a database error
        app.UseAuthentication();
        app.UseWebOriginCors();                  // /users/me from the tenant's listed web origins only (preflights: any tenant's)
        app.UseRequestLogScope();                // the tenant (and a named notification) on every line of the request
        app.UseTenantRateLimits();               // per-tenant token buckets per endpoint class, shared by replicas: 429 + RateLimit fields
        app.UseAuthorization();
        app.UseTenantSuspension();               // a suspended tenant's key, end-user token or console session: 403 naming the suspension

        app.MapHealth();
        app.MapPrometheusMetrics();
        app.MapNotifications();
        app.MapBatches();
        app.MapBulk();
        app.MapQueueAdmin();
        app.MapTemplatesAdmin();
        app.MapProviders();
        app.MapDevices();
        app.MapEndUserAuth();
        app.MapInbox();
        app.MapInboxClicks();                 // a click on an item's link or action button: the ledger's `clicked`
        app.MapProviderCallbacks();
        app.MapSuppressions();
        app.MapPreferences();                 // categories, user preferences (/services/users/{userId} and /users/me), /u/{token} pages
        app.MapRecipients();                  // recipient profiles (/services/users/{userId}, bulk identify) and /users/me/profile
        app.MapWorkflows();                   // workflow definitions (admin), trigger, runs, cancel/resume, events
        app.MapWorkflowStepProblems();        // the workflow editor's check as you edit: problems under their step id
        app.MapPrivacy();                     // erase (DELETE /services/users/{userId}, ?block=true) and export of a user (GDPR)
        app.MapTopics();                      // topics and members, sends to topics (fan-outs), live events to users and topics
        app.MapWebhooks();
        app.MapRateLimits();
        app.MapUsage();
        app.MapAnalytics();
        app.MapMcp();                         // /mcp: Streamable HTTP, stateless, behind the API's auth, limiter and body limit
        app.MapApiKeyAdmin();
        app.MapAudit();
        app.MapMembers();                     // the people who run a tenant: members, roles, invitations (admin API)
        app.MapWebOrigins();                  // the tenant's allowed web origins (admin API)
        app.MapTenantSettings();              // the tenant's own settings (allowHttpLinks)
        app.MapSso();                         // console single sign-on: /api/v1/admin/sso and the /admin/sso/* browser flow
        app.MapInboxSdk();                   // /sdk/v1/inbox.js (the inbox component)
        app.MapDemoPage();                   // /sdk/demo: the component for the demo tenant, where it is seeded
        app.MapPlatform();                    // /api/v1/platform/tenants: the operator's API (platform keys only; 404 to anyone else)
        app.MapTenantConfigJobs();            // the operator's long exports and imports as Hangfire jobs with status URLs
        app.MapConfigAsCode();                // /api/v1/admin/config: a tenant's configuration pulled and pushed by the
                                              // `notifications` tool
        app.MapApiDocs();
        app.MapConsole();                        // /admin: the web console (Razor Pages, session cookie, CSP)
        app.MapJobsDashboard();                  // /admin/jobs: Hangfire's dashboard for the operator team, under the console's CSP
        return app;
    }

    public static void AddServiceFeatures(this WebApplicationBuilder builder, bool includeWorkers)
    {
        var services = builder.Services;
        services.AddStartupTasks();           // migrations (+ demo seed on the embedded default) before anything else starts
        services.AddApiErrors();              // one place maps domain errors to ProblemDetails
        services.AddForwardedHeadersFromProxies(builder.Configuration); // X-Forwarded-For/-Proto believed from the listed proxies only
        services.AddOutboundGuard(builder.Configuration); // one guard for every tenant-supplied destination (providers, SMTP, webhooks)
        services.AddSecrets();                // AES-256-GCM for provider and webhook secrets at rest, key rotation
        services.AddQueueWorkers(builder.Configuration, includeWorkers); // enqueue everywhere; claim/handle/ack where workers run
        services.AddApiKeyAuth();             // service accounts: Authorization: Bearer <key>, scopes
        services.AddEndUserAuth(builder.Configuration); // end users: JWTs (service-minted or tenant-signed), stream tickets; /users/me only
        services.AddTenants();
        services.AddTenantSuspension();       // the one check every request of a tenant passes; status changes heard across replicas
        services.AddAudit();                  // who changed what and when, secrets redacted: one call per admin change
        services.AddApiKeyAdmin();            // list / create (shown once) / revoke API keys; no scope a key lacks
        services.AddSeed();
        services.AddNotifications();          // send, status, cancel, template test-send; the ledger: the one writer of statuses
        services.AddBatches();                // send-batch / send-chunk, batch status and pages
        services.AddBulk();                   // CSV bulk jobs: streamed upload, chunked checkpoints, error report
        services.AddProviders();              // admin CRUD + test send, circuit breakers, cross-replica rate limits
        services.AddDevices();                // push device registry (services and /users/me/devices)
        services.AddInbox();                  // in-app inbox, exact counters, the live stream (SSE) across replicas
        services.AddInboxClicks();
        services.AddSuppressions();           // per-tenant, per-channel do-not-message list
        services.AddPreferences();            // tenant categories, user preferences and quiet hours, enforced by the worker; signed
                                              // unsubscribe links
        services.AddRecipients();             // recipient profiles: addresses resolved at delivery, locale, time zone and data for
                                              // templates
        services.AddWorkflows(builder.Configuration); // versioned workflow definitions; runs moved by jobs on the `workflows`
                                                      // queue, waits woken by the ledger
        services.AddDigests(builder.Configuration); // digest and throttle steps: windows as rows with unique keys, closed by jobs
                                                    // on the `workflows` queue
        services.AddPrivacy();                // erase jobs (checkpointed, on the `erase` queue), blocked users, streamed export
        services.AddTopics();                 // topics with exact member counts, fan-outs exactly once per member, live events on
                                              // the streams
        services.AddDelivery();               // the `deliver` job per channel queue: render, failover, outcomes through the ledger
        services.AddTemplatesAdmin();         // templates, versions, partials, layouts, preview; resolution and rendering
        services.AddQueueAdmin();             // queue depths, dead jobs, retry
        services.AddWebhooks();               // Standard Webhooks out: subscribes to the ledger, signed delivery through the queue
        services.AddProviderCallbacks(includeWorkers); // signed provider status callbacks → the ledger, suppressions, early events parked
        services.AddRateLimits();             // per-tenant API token buckets per endpoint class, shared by replicas
        services.AddQuotas();                 // per-tenant monthly quotas per channel, charged before a send is accepted
        services.AddRetention();              // each kind of stored data purged by its owner after its retention, in small batches
        services.AddBackgroundJobs(builder.Configuration, includeWorkers); // Hangfire: recurring maintenance once per cluster,
                                                                           // operator jobs
        services.AddUsage();                  // per-tenant counts per day, channel and status: a ledger observer flushed every few seconds
        services.AddAnalytics();              // delivery funnel per tenant, hour and group: a ledger observer flushed like usage
        services.AddMcp();                    // the MCP server for agents: tools filtered by the scope and role tables
        services.AddHealth();
        services.AddPrometheusMetrics(builder.Configuration);  // /metrics: Prometheus text / OpenMetrics over System.Diagnostics.Metrics
        services.AddTracing(builder.Configuration);   // OpenTelemetry over OTLP when OTEL_EXPORTER_OTLP_ENDPOINT is set; the trace
                                                      // rides with each job
        services.AddWebOrigins();             // which web origins may call /users/me from a browser (CORS)
        services.AddInboxSdk();               // the inbox component served at a versioned path, its integrity
        services.AddDemoPage(builder.Configuration); // the quick start's page showing it for the demo tenant
        services.AddPlatform();               // operator keys (Platform:Keys, `platform keys create`) and the platform's tenant API
        services.AddTenantConfigJobs();       // exports and imports as jobs: an outbox row, ids-only arguments, held while suspended
        services.AddConfigAsCode();           // pull and push of a tenant's configuration, all or nothing
        services.AddApiDocs();
        services.AddSso();                    // console single sign-on through the tenant's OpenID Connect provider
        services.AddConsole();                // the admin console's pages, sessions, antiforgery and key ring
        services.AddMembers();                // members, roles (one table for every console page), sign-in with password and TOTP,
                                              // invitations
    }
}

/// <summary>Lets WebApplicationFactory find the entry point.</summary>
public partial class Program;
