namespace NotificationService.Contracts;

/// <summary>
/// Whether a tenant's links may be plain `http:` (the tenant's `allowHttpLinks` setting, `PUT /api/v1/admin/settings`).
/// Off for a new tenant: a link an end user follows from a notification should not be readable or rewritable on the
/// way. Tenants that existed before the setting keep `http:` (their templates were saved under that rule).
/// </summary>
public readonly record struct LinkPolicy(bool AllowHttp)
{
    public static readonly LinkPolicy HttpsOnly = new(false), HttpAllowed = new(true);
}

/// <summary>
/// The one rule for every value an end user's app or browser may follow or load: an in_app `actionUrl` and `icon`, a
/// push `imageUrl`, action buttons. Allowed: an absolute `https:` URL (`http:` too where the tenant's
/// <see cref="LinkPolicy"/> allows it) with a host and no `user@` part, or a relative reference (`/orders/42`, `truck`:
/// resolved against the tenant's own app). Everything else is refused: `javascript:`, `data:`, `vbscript:` and every
/// other scheme, protocol-relative `//host` (its scheme
/// is whatever the page's is), and any whitespace, control character or backslash, because browsers drop tabs and
/// newlines from URLs and read `\` as `/` (`java&#9;script:` and `/\evil.example` are the classic ways past a naive
/// check). Applied at save to the literal start of a template part (<see cref="CheckTemplate"/>) and at delivery to
/// what the part rendered to (<see cref="Check"/>), since a variable can produce any of these.
/// </summary>
public static class LinkRules
{
    public const int MaxLength = 2048;
    private const string Allowed = "Only https: or http: links (https://…) or a relative path (/…) are allowed";
    private const string HttpRefused =
        "Only https: links (https://…) or a relative path (/…) are allowed: this tenant does not allow http: links " +
        "(an admin can allow them with PUT /api/v1/admin/settings {\"allowHttpLinks\": true}).";

    /// <summary>Null when <paramref name="value"/> may reach an end user as a link; otherwise why not (never the value itself).</summary>
    public static string? Check(string? value, LinkPolicy links)
    {
        if (string.IsNullOrEmpty(value)) return null;   // no link
        if (value.Length > MaxLength) return $"A link is at most {MaxLength} characters.";
        if (CharactersProblem(value) is { } bad) return bad;
        if (value.StartsWith("//", StringComparison.Ordinal)) return $"{Allowed}; write the scheme (https://…) instead of '//'.";
        var scheme = SchemeOf(value);
        if (scheme is null) return null;               // a relative reference: no scheme of its own
        if (!IsWeb(scheme)) return Refused(scheme);
        if (IsHttp(scheme) && !links.AllowHttp) return HttpRefused;
        if (!Uri.TryCreate(value, UriKind.Absolute, out var uri) || uri.Host.Length == 0)
            return $"Not an absolute {scheme.ToLowerInvariant()} URL with a host.";
        if (uri.UserInfo.Length > 0) return "A link has no user name or password (user@host).";
        return null;
    }

    /// <summary>
    /// Save-time check of a template part that renders to a link: the literal text before its first `{{` must not
    /// already commit to a refused scheme (`javascript:{{x}}`) or characters. What the variables add is checked when
    /// the part is rendered.
    /// </summary>
    public static string? CheckTemplate(string source, LinkPolicy links)
    {
        var start = source.IndexOf("{{", StringComparison.Ordinal);
        if (start < 0) return Check(source, links);
        var prefix = source[..start];
        if (CharactersProblem(prefix) is { } bad) return bad;
        if (prefix.StartsWith("//", StringComparison.Ordinal)) return $"{Allowed}; write the scheme (https://…) instead of '//'.";
        return SchemeOf(prefix) switch
        {
            { } scheme when !IsWeb(scheme) => Refused(scheme),
            { } scheme when IsHttp(scheme) && !links.AllowHttp => HttpRefused,
            _ => null,
        };
    }

    private static string? CharactersProblem(string value)
    {
        foreach (var c in value)
            if (char.IsControl(c) || char.IsWhiteSpace(c) || c == '\\')
                return "A link has no spaces, control characters or backslashes (percent-encode them, e.g. %20).";
        return null;
    }

    /// <summary>The scheme as a URL parser reads it (a letter, then letters, digits, `+`, `-`, `.`, up to `:`), or null when
    /// the value is a relative reference.</summary>
    private static string? SchemeOf(string value)
    {
        if (value.Length == 0 || !char.IsAsciiLetter(value[0])) return null;
        for (var i = 1; i < value.Length; i++)
        {
            var c = value[i];
            if (c == ':') return value[..i];
            if (!char.IsAsciiLetterOrDigit(c) && c is not ('+' or '-' or '.')) return null;
        }
        return null;
    }

    private static bool IsWeb(string scheme) =>
        scheme.Equals("https", StringComparison.OrdinalIgnoreCase) || scheme.Equals("http", StringComparison.OrdinalIgnoreCase);

    private static bool IsHttp(string scheme) => scheme.Equals("http", StringComparison.OrdinalIgnoreCase);

    private static string Refused(string scheme) => $"{Allowed}; '{(scheme.Length > 20 ? scheme[..20] + "…" : scheme)}:' is refused.";
}
