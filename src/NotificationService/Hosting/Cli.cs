using System.CommandLine;
using NotificationService.Features.Operations.Seed;
using NotificationService.Features.Tenancy.Tenants;

namespace NotificationService.Hosting;

/// <summary>
/// The service binary's commands: `serve` (default), `migrate`, `seed`, `demo-key`,
/// `tenants create|list|suspend|resume|export|delete`, `members sign-in-link`, `platform keys create|revoke`, `keys rotate`,
/// `retention run`, `inbox recount`, `health`.
/// Unrecognised tokens in configuration's forms (e.g. --urls, or the arguments WebApplicationFactory passes) go to the web
/// host; any other word is an unknown command: usage on stderr and exit 2, nothing started (<see cref="CliUsage"/>).
/// </summary>
public static class Cli
{
    public static Task<int> RunAsync(string[] args)
    {
        var root = new RootCommand("NotificationService: multi-tenant, multi-channel notification delivery.")
        {
            TreatUnmatchedTokensAsErrors = false,
        };
        root.SetAction((r, ct) => ServeCommand.RunAsync(r.UnmatchedTokens.ToArray(), ct));

        var serve = new Command("serve", "Run the API and/or the workers (Mode = api | worker | all).")
        { TreatUnmatchedTokensAsErrors = false };
        serve.SetAction((r, ct) => ServeCommand.RunAsync(r.UnmatchedTokens.ToArray(), ct));

        var migrate = new Command("migrate", "Apply pending database migrations and exit.") { TreatUnmatchedTokensAsErrors = false };
        migrate.SetAction((r, ct) => AdminCommands.MigrateAsync(r.UnmatchedTokens.ToArray(), ct));

        var seed = new Command("seed", "Create the demo tenant, service account, templates and sandbox providers (idempotent).")
        { TreatUnmatchedTokensAsErrors = false };
        seed.SetAction((r, ct) => AdminCommands.SeedAsync(r.UnmatchedTokens.ToArray(), ct));

        var demoKey = new Command(DemoKey.Verb,
            "Make a new key for the demo tenant, print it once and revoke the old one (the quick start's own database only).")
        { TreatUnmatchedTokensAsErrors = false };
        demoKey.SetAction((r, ct) => AdminCommands.DemoKeyAsync(r.UnmatchedTokens.ToArray(), ct));

        var name = new Option<string>("--name") { Description = "Tenant name", Required = true };
        var json = new Option<bool>("--json") { Description = "Print {\"tenantId\", \"apiKey\"} as JSON" };
        var ownerEmail = new Option<string?>("--owner-email")
        { Description = "Invite this person as the tenant's first owner and print the invitation link once" };
        var create = new Command("create", "Create a tenant with an admin service account and print its API key once.")
        { name, json, ownerEmail };
        create.TreatUnmatchedTokensAsErrors = false;
        create.SetAction((r, ct) => AdminCommands.CreateTenantAsync(r.GetRequiredValue(name), r.GetValue(json),
            r.UnmatchedTokens.ToArray(), ct, r.GetValue(ownerEmail)));
        var listJson = new Option<bool>("--json") { Description = "Print a JSON array of {id, name, createdAt, activeKeys}" };
        var list = new Command("list", "List every tenant: id, name, when it was created and how many API keys it has (never a key).")
        { listJson };
        list.TreatUnmatchedTokensAsErrors = false;
        list.SetAction((r, ct) => AdminCommands.ListTenantsAsync(r.GetValue(listJson), r.UnmatchedTokens.ToArray(), ct));
        var tenants = new Command("tenants", "Manage tenants.") { create, list };
        foreach (var (verb, what) in new[] {
            ("suspend", "Suspend a tenant: its keys, end-user tokens and console sessions are refused; its jobs wait."),
            ("resume", "Resume a suspended tenant."),
            ("export", "Print a tenant's configuration as one JSON document (no secrets, no people)."),
            ("delete", "Suspend a tenant and delete every row of it from every table, with a progress line.") })
        {
            var id = new Option<Guid>("--id") { Description = "The tenant's id", Required = true };
            var command = new Command(verb, what) { id };
            command.TreatUnmatchedTokensAsErrors = false;
            command.SetAction((r, ct) => verb switch
            {
                "suspend" => PlatformCommands.SetStatusAsync(r.GetValue(id), TenantStatuses.Suspended, r.UnmatchedTokens.ToArray(), ct),
                "resume" => PlatformCommands.SetStatusAsync(r.GetValue(id), TenantStatuses.Active, r.UnmatchedTokens.ToArray(), ct),
                "export" => PlatformCommands.ExportAsync(r.GetValue(id), r.UnmatchedTokens.ToArray(), ct),
                _ => PlatformCommands.DeleteAsync(r.GetValue(id), r.UnmatchedTokens.ToArray(), ct),
            });
            tenants.Subcommands.Add(command);
        }

        root.Subcommands.Add(serve);
        root.Subcommands.Add(migrate);
        root.Subcommands.Add(seed);
        root.Subcommands.Add(demoKey);
        root.Subcommands.Add(tenants);

        var rotate = new Command("rotate",
            "Re-encrypt every provider secret under Secrets:ActiveKeyId (old key ids must stay configured until it finishes).")
        { TreatUnmatchedTokensAsErrors = false };
        rotate.SetAction((r, ct) => AdminCommands.RotateKeysAsync(r.UnmatchedTokens.ToArray(), ct));
        root.Subcommands.Add(new Command("keys", "Manage the keys that encrypt provider secrets.") { rotate });

        var keyName = new Option<string>("--name")
        { Description = "What the key is for (e.g. the system that will call the platform API)", Required = true };
        var keyJson = new Option<bool>("--json") { Description = "Print {\"key\", \"name\", \"prefix\"} as JSON" };
        var platformKeyCreate = new Command("create", "Make an operator key for the platform API (/api/v1/platform) and print it once.")
        { keyName, keyJson };
        platformKeyCreate.TreatUnmatchedTokensAsErrors = false;
        platformKeyCreate.SetAction((r, ct) => PlatformCommands.CreateKeyAsync(r.GetRequiredValue(keyName), r.GetValue(keyJson),
            r.UnmatchedTokens.ToArray(), ct));
        var revokeName = new Option<string>("--name")
        { Description = "The name the key was made under (every unrevoked key of that name)", Required = true };
        var platformKeyRevoke = new Command("revoke",
            "Revoke the operator keys made under a name: the platform API refuses them from then on.") { revokeName };
        platformKeyRevoke.TreatUnmatchedTokensAsErrors = false;
        platformKeyRevoke.SetAction((r, ct) => PlatformCommands.RevokeKeyAsync(r.GetRequiredValue(revokeName),
            r.UnmatchedTokens.ToArray(), ct));
        root.Subcommands.Add(new Command("platform", "The platform: the operator running the service for many tenants.")
        { new Command("keys", "Operator keys for the platform API.") { platformKeyCreate, platformKeyRevoke } });

        var retentionRun = new Command("run", "Purge now what is older than each kind's retention (Retention:<Kind>:Days), with progress.")
        { TreatUnmatchedTokensAsErrors = false };
        retentionRun.SetAction((r, ct) => AdminCommands.RetentionRunAsync(r.UnmatchedTokens.ToArray(), ct));
        root.Subcommands.Add(new Command("retention", "Data retention.") { retentionRun });

        var tenantOption = new Option<Guid?>("--tenant") { Description = "Only this tenant's users (default: every tenant)" };
        var recount = new Command("recount", "Set every inbox counter to a COUNT(*) of its rows (repair), with progress.") { tenantOption };
        recount.TreatUnmatchedTokensAsErrors = false;
        recount.SetAction((r, ct) => AdminCommands.InboxRecountAsync(r.GetValue(tenantOption), r.UnmatchedTokens.ToArray(), ct));
        root.Subcommands.Add(new Command("inbox", "End users' in-app inboxes.") { recount });

        var linkTenant = new Option<Guid>("--tenant") { Description = "The tenant's id", Required = true };
        var linkEmail = new Option<string>("--email") { Description = "The member's email", Required = true };
        var signInLink = new Command("sign-in-link",
            "Print a one-time link (15 minutes) that signs an active member in without password or code: break-glass, audited.")
        { linkTenant, linkEmail };
        signInLink.TreatUnmatchedTokensAsErrors = false;
        signInLink.SetAction((r, ct) => AdminCommands.SignInLinkAsync(r.GetRequiredValue(linkTenant), r.GetRequiredValue(linkEmail),
            r.UnmatchedTokens.ToArray(), ct));
        root.Subcommands.Add(new Command("members", "The people who run a tenant in the console.") { signInLink });

        // For container healthchecks (the aspnet image has no curl or wget) and a newcomer's "is it up?". With no --url it
        // checks this service's own configured address (ASPNETCORE_URLS, --urls, Kestrel:Endpoints; default :5000).
        var url = new Option<string?>("--url")
        {
            Description = $"The service's base URL (e.g. http://localhost:5000; {HealthCheckTarget.ReadyPath} is added) "
                + $"or a full readiness URL"
        };
        var health = new Command("health", "Exit 0 when the service's readiness URL answers 2xx within 3 s, else 1.") { url };
        health.TreatUnmatchedTokensAsErrors = false;
        health.SetAction((r, ct) => AdminCommands.HealthAsync(r.GetValue(url), r.UnmatchedTokens.ToArray(), ct));
        root.Subcommands.Add(health);

        var help = new Command("help", "Print this usage and exit.");
        help.SetAction(_ => CliUsage.Print(root, null, Console.Out));
        root.Subcommands.Add(help);

        var parsed = root.Parse(args);
        if (CliUsage.Refuse(parsed) is { } usageError) return Task.FromResult(usageError);
        // Exceptions must propagate: WebApplicationFactory stops the entry point by throwing through it. No termination
        // handler of the parser's: it ends the process two seconds after SIGTERM, cutting off a stop that lets in-flight
        // deliveries finish; the host's own lifetime handles the signal within its shutdown timeout.
        return parsed.InvokeAsync(new InvocationConfiguration { EnableDefaultExceptionHandler = false, ProcessTerminationTimeout = null });
    }
}
