using System.Security.Cryptography;
using NotificationService.Features.Operations.Seed;
using NotificationService.Hosting;

namespace NotificationService.Features.Administration.Members;

/// <summary>
/// The demo tenant's owner, so the quick start can sign in to the console as a person: `demo-owner@example.com` with
/// `Seed:DemoOwnerPassword` (docker-compose, scripts) or a random password printed once, when the owner is created.
/// The first sign-in enrols the second factor, as for any owner. The sign-in link is on `PublicBaseUrl` when it is set, else on
/// the address the web host is configured to listen on (`--urls`, ASPNETCORE_URLS, Kestrel:Endpoints, ASPNETCORE_HTTP_PORTS;
/// ASP.NET Core's http://localhost:5000 when none is), read as `health` reads it: the seed runs before the server starts.
/// </summary>
public sealed class DemoOwner(MemberStore members, MemberCredentials credentials, IConfiguration config) : IDemoSeedStep
{
    public const string Email = "demo-owner@example.com";

    public async Task<string?> SeedAsync(Guid demoTenantId, CancellationToken ct)
    {
        var fixedPassword = config["Seed:DemoOwnerPassword"];
        var member = await members.FindByEmailAsync(demoTenantId, Email, ct);
        var signIn = $"sign in at {BaseUrl()}/admin/sign-in?tenant={demoTenantId}";
        if (member is not null && fixedPassword is null)
            return $"demo owner: {Email} (password shown once when it was created; set Seed__DemoOwnerPassword to fix it); {signIn}";
        member ??= await members.CreateAsync(demoTenantId, Email, "Demo owner", MemberRoles.Owner, ct);
        var password = fixedPassword ?? Convert.ToBase64String(RandomNumberGenerator.GetBytes(12)).Replace('+', '-').Replace('/', '_');
        await credentials.SetPasswordAsync(member, password, ct);
        return $"demo owner: {Email}, password: {(fixedPassword is null ? password : "Seed__DemoOwnerPassword")}; {signIn}";
    }

    private string BaseUrl()
    {
        if (config["PublicBaseUrl"] is { Length: > 0 } publicBase) return publicBase.TrimEnd('/');
        var listening = HealthCheckTarget.ListeningUrl(config);
        // A wildcard host (`+`, `*`, 0.0.0.0) is no address to open: Resolve puts loopback in its place, as `health` probes it.
        try { return HealthCheckTarget.Resolve(config, listening).GetLeftPart(UriPartial.Authority); }
        catch (ArgumentException) { return listening.TrimEnd('/'); }
    }
}
