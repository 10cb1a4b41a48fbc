using System.Text.RegularExpressions;
using NotificationService.Infrastructure;

namespace NotificationService.Features.Administration.Sso;

/// <summary>`PUT /api/v1/admin/sso` as sent. `clientSecret` may be left out to keep the stored one.</summary>
public sealed record SsoDocument
{
    public string? Issuer { get; init; }
    public string? ClientId { get; init; }
    public string? ClientSecret { get; init; }
    public string[]? AllowedDomains { get; init; }
    public string? DefaultRole { get; init; }
    public bool? Required { get; init; }
}

/// <summary>The configuration as the API shows it: never the client secret, only whether one is set. `configuredByRole`:
/// the role of whoever saved it last, the highest role the provider signs in; `domains`: each allowed domain's proof.</summary>
public sealed record SsoView(string Issuer, string ClientId, bool ClientSecretSet, string[] AllowedDomains, string? DefaultRole,
    bool Required, string RedirectUri, string ConfiguredByRole, SsoDomainView[] Domains);

/// <summary>A tenant's stored configuration, the client secret unsealed (used by the sign-in flow, never answered).</summary>
public sealed record SsoSettings(Guid TenantId, string Issuer, string ClientId, string ClientSecret, string[] AllowedDomains,
    string? DefaultRole, bool Required, string ConfiguredByRole)
{
    public bool AllowsDomainOf(string email) =>
        AllowedDomains.Length == 0 || AllowedDomains.Contains(SsoRules.DomainOf(email), StringComparer.Ordinal);

    /// <summary>Just-in-time membership: a default role is set and the email's domain is listed (an empty list lists none).</summary>
    public bool JoinsJustInTime(string email) =>
        DefaultRole is not null && AllowedDomains.Contains(SsoRules.DomainOf(email), StringComparer.Ordinal);
}

/// <summary>What a configuration may hold; each refusal names its field.</summary>
public static partial class SsoRules
{
    public const int MaxDomains = 50, MaxIssuerLength = 500, MaxClientIdLength = 200, MaxSecretLength = 1000;

    /// <summary>Roles a person may be given by just-in-time membership: never `owner` (an owner is made deliberately).</summary>
    public static readonly string[] JustInTimeRoles = ["admin", "editor", "operator", "viewer"];

    [GeneratedRegex(@"^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$", RegexOptions.CultureInvariant)]
    private static partial Regex DomainShape();

    public static string DomainOf(string email) => email[(email.LastIndexOf('@') + 1)..].ToLowerInvariant();

    /// <summary>The issuer as the provider must name itself: an absolute https URL without query or fragment (http only
    /// on a loopback address, for a provider on the same machine, which the outbound guard still has to allow).</summary>
    public static string Issuer(string? value)
    {
        var text = value?.Trim();
        if (string.IsNullOrEmpty(text) || text.Length > MaxIssuerLength)
            throw RequestValidationException.For("issuer",
                $"issuer is required: the provider's issuer URL (1 to {MaxIssuerLength} characters).");
        if (!Uri.TryCreate(text, UriKind.Absolute, out var uri) || uri.Query.Length > 0 || uri.Fragment.Length > 0
            || uri.UserInfo.Length > 0 || !(uri.Scheme == Uri.UriSchemeHttps || uri.Scheme == Uri.UriSchemeHttp && uri.IsLoopback))
            throw RequestValidationException.For("issuer",
                "issuer must be an https URL without query or fragment (https://login.example.com/realms/acme).");
        return text.TrimEnd('/');
    }

    public static string ClientId(string? value) =>
        value?.Trim() is { Length: > 0 and <= MaxClientIdLength } id && !id.Any(char.IsControl) ? id
            : throw RequestValidationException.For("clientId",
                $"clientId is required: the client id registered at the provider (1 to {MaxClientIdLength} characters).");

    public static string? ClientSecret(string? value) => value switch
    {
        null => null,
        { Length: > 0 and <= MaxSecretLength } s when !s.Any(char.IsControl) => s,
        _ => throw RequestValidationException.For("clientSecret", $"clientSecret is 1 to {MaxSecretLength} characters."),
    };

    public static string[] Domains(string[]? values)
    {
        if (values is null) return [];
        if (values.Length > MaxDomains) throw RequestValidationException.For("allowedDomains", $"At most {MaxDomains} domains.");
        var errors = new Dictionary<string, string[]>();
        var result = new List<string>();
        for (var i = 0; i < values.Length; i++)
        {
            var domain = values[i]?.Trim().TrimStart('@').ToLowerInvariant() ?? "";
            if (DomainShape().IsMatch(domain)) { if (!result.Contains(domain)) result.Add(domain); }
            else errors[$"allowedDomains[{i}]"] = ["A domain such as example.com (no scheme, no @, no wildcard)."];
        }
        if (errors.Count > 0) throw new RequestValidationException(errors);
        return [.. result];
    }

    public static string? DefaultRole(string? value) => value switch
    {
        null or "" => null,
        _ when JustInTimeRoles.Contains(value) => value,
        _ => throw RequestValidationException.For("defaultRole",
            $"defaultRole is one of {string.Join(", ", JustInTimeRoles)}, or null for no just-in-time membership "
                + $"(owners are never made by sign-in)."),
    };
}
