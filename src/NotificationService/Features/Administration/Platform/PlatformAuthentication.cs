using System.Security.Claims;
using System.Security.Cryptography;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;
using NotificationService.Features.Tenancy.Auth;

namespace NotificationService.Features.Administration.Platform;

/// <summary>
/// Operator keys from configuration, `Platform:Keys:&lt;name&gt;`: each the SHA-256 of a key (`sha256:` and 64 hex
/// digits, so the configuration never holds the key), or the key itself (hashed as it is read, and kept only hashed).
/// Several at once, for rotation: add the new key, move the callers, remove the old one. None by default.
/// </summary>
public sealed class ConfiguredPlatformKeys
{
    private readonly List<(string Name, byte[] Hash)> _keys = [];

    public ConfiguredPlatformKeys(IConfiguration config, ILogger<ConfiguredPlatformKeys> log)
    {
        foreach (var entry in config.GetSection("Platform:Keys").GetChildren())
        {
            var value = entry.Value?.Trim() ?? "";
            if (value.StartsWith("sha256:", StringComparison.OrdinalIgnoreCase) && value.Length == 7 + 64
                && value[7..].All(Uri.IsHexDigit))
                _keys.Add((entry.Key, Convert.FromHexString(value[7..])));
            else if (PlatformKeys.PrefixOf(value) is not null)
                _keys.Add((entry.Key, PlatformKeys.Hash(value)));
            else
                log.LogWarning("Platform:Keys:{Name} is neither sha256:<64 hex digits> nor an nsp_ key: ignored", entry.Key);
        }
    }

    /// <summary>The configured name of the key whose hash is <paramref name="hash"/>, or null (every entry compared, in fixed
    /// time).</summary>
    public string? NameOf(byte[] hash)
    {
        string? found = null;
        foreach (var (name, stored) in _keys)
            if (CryptographicOperations.FixedTimeEquals(stored, hash)) found ??= name;
        return found;
    }
}

/// <summary>
/// `Authorization: Bearer nsp_…` on `/api/v1/platform/*` → a principal with the key's name and no tenant. Anything else
/// there (no key, a tenant's key, an end user's token, a console cookie, a revoked key) is a 404, as if the platform API
/// did not exist: a tenant's credential learns nothing about it.
/// </summary>
public sealed class PlatformKeyAuthenticationHandler(IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger,
    UrlEncoder encoder, ConfiguredPlatformKeys configured, PlatformKeyStore store)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "PlatformKey";
    public const string KeyNameClaim = "platform_key";

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var header = Request.Headers.Authorization.ToString();
        if (!header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)) return AuthenticateResult.NoResult();
        var key = header["Bearer ".Length..].Trim();
        if (PlatformKeys.PrefixOf(key) is not { } prefix) return AuthenticateResult.Fail("Not a platform key.");
        var hash = PlatformKeys.Hash(key);
        var name = configured.NameOf(hash);
        if (name is null)
        {
            var row = await store.FindActiveCachedAsync(prefix, Context.RequestAborted);
            if (row is not null && CryptographicOperations.FixedTimeEquals(row.KeyHash, hash)) name = row.Name;
        }
        if (name is null) return AuthenticateResult.Fail("Unknown or revoked platform key.");
        var principal = new ClaimsPrincipal(new ClaimsIdentity([new Claim(KeyNameClaim, name)], SchemeName));
        return AuthenticateResult.Success(new AuthenticationTicket(principal, SchemeName));
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties) => NotFoundAsync();

    protected override Task HandleForbiddenAsync(AuthenticationProperties properties) => NotFoundAsync();

    private Task NotFoundAsync() => Results.Problem(statusCode: StatusCodes.Status404NotFound, title: "Not found").ExecuteAsync(Context);

    public static void Register(IServiceCollection services)
    {
        services.AddSingleton<ConfiguredPlatformKeys>().AddSingleton<PlatformKeyStore>();
        services.AddAuthentication().AddScheme<AuthenticationSchemeOptions, PlatformKeyAuthenticationHandler>(SchemeName, null);
        services.AddAuthorizationBuilder().AddPolicy(Access.PlatformPolicy, p => p.AddAuthenticationSchemes(SchemeName)
            .RequireAuthenticatedUser().RequireClaim(KeyNameClaim));
    }
}
