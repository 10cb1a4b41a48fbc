using System.Security.Cryptography;
using NotificationService.Features.Operations.Seed;

namespace NotificationService.Features.Administration.Members;

/// <summary>
/// The demo tenant's owner, so the quick start can sign in to the console as a person: `demo-owner@example.com` with
/// `Seed:DemoOwnerPassword` (docker-compose, scripts) or a random password printed once, when the owner is created.
/// The first sign-in enrols the second factor, as for any owner.
/// </summary>
public sealed class DemoOwner(MemberStore members, MemberCredentials credentials, IConfiguration config) : IDemoSeedStep
{
    public const string Email = "demo-owner@example.com";

    public async Task<string?> SeedAsync(Guid demoTenantId, CancellationToken ct)
    {
        var fixedPassword = config["Seed:DemoOwnerPassword"];
        var member = await members.FindByEmailAsync(demoTenantId, Email, ct);
        var signIn = $"sign in at http://localhost:5000/admin/sign-in?tenant={demoTenantId}";
        if (member is not null && fixedPassword is null)
            return $"demo owner: {Email} (password shown once when it was created; set Seed__DemoOwnerPassword to fix it); {signIn}";
        member ??= await members.CreateAsync(demoTenantId, Email, "Demo owner", MemberRoles.Owner, ct);
        var password = fixedPassword ?? Convert.ToBase64String(RandomNumberGenerator.GetBytes(12)).Replace('+', '-').Replace('/', '_');
        await credentials.SetPasswordAsync(member, password, ct);
        return $"demo owner: {Email}, password: {(fixedPassword is null ? password : "Seed__DemoOwnerPassword")}; {signIn}";
    }
}
