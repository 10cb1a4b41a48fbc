using NotificationService.Infrastructure;

namespace NotificationService.Features.Administration.Members;

/// <summary>A person who runs a tenant in the console. Secrets (password hash, TOTP secret) never leave the store.</summary>
public sealed record Member(Guid TenantId, Guid Id, string Email, string Name, string Role, string Status,
    bool HasPassword, bool HasTotp, DateTimeOffset CreatedAt, DateTimeOffset? LastSignInAt);

public static class MemberRoles
{
    public const string Owner = "owner", Admin = "admin", Editor = "editor", Operator = "operator", Viewer = "viewer";

    /// <summary>Most powerful first: a role's rank is its index, so "at least admin" is a comparison.</summary>
    public static readonly string[] All = [Owner, Admin, Editor, Operator, Viewer];

    public static bool IsKnown(string? role) => role is not null && All.Contains(role);

    /// <summary>Owners and admins hold every key and provider secret: they must have a second factor.</summary>
    public static bool RequiresTotp(string role) => role is Owner or Admin;

    public static string Parse(string? role, string field = "role") =>
        IsKnown(role?.Trim().ToLowerInvariant()) ? role!.Trim().ToLowerInvariant()
            : throw RequestValidationException.For(field, $"The role must be one of: {string.Join(", ", All)}.");
}

public static class MemberStatuses
{
    public const string Invited = "invited", Active = "active", Disabled = "disabled";
}

public static class MemberEmails
{
    public const int MaxLength = 254;

    /// <summary>Trimmed and lower-cased: one person is one member whatever case they type their address in.</summary>
    public static string Normalise(string? email, string field = "email")
    {
        var e = email?.Trim().ToLowerInvariant() ?? "";
        var at = e.IndexOf('@');
        if (e.Length is 0 or > MaxLength || at < 1 || at != e.LastIndexOf('@') || at == e.Length - 1
            || e.Any(char.IsWhiteSpace) || e.Any(char.IsControl))
            throw RequestValidationException.For(field, "A valid email address (up to 254 characters) is required.");
        return e;
    }
}
