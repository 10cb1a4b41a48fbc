using System.Security.Claims;
using System.Text.RegularExpressions;
using NotificationService.Features.Administration.Members;

namespace NotificationService.Features.Administration.Console.Roles;

/// <summary>
/// A link or form action on a console page (`/admin/webhooks?handler=Create`, `/admin/templates/8c…`) read back as its
/// row of <see cref="RoleTable.Console"/> (`POST /admin/webhooks?handler=create`), so a page offers exactly what the
/// server will allow: the same table decides both (<see cref="RoleAwareControls"/> hides the rest).
/// </summary>
public static partial class ConsoleRoutes
{
    private sealed record Row(string Key, string Method, Regex Path, string? Handler, int Parameters);

    // Literal routes before templated ones: `/admin/templates` is the templates page, not `/admin/{kind}`.
    private static readonly Row[] Rows = [.. RoleTable.Console.Keys.Select(Parse).OrderBy(r => r.Parameters)];

    /// <summary>The table's row for a request, or null when none matches (a path outside the console's pages).</summary>
    public static string? KeyOf(string method, string url)
    {
        var (path, handler) = Split(url);
        return Rows.FirstOrDefault(r => r.Method == method.ToUpperInvariant() && r.Handler == handler && r.Path.IsMatch(path))?.Key;
    }

    /// <summary>Whether the caller's role may use the link or action; pages anyone may open and paths outside the table are left
    /// alone.</summary>
    public static bool Allows(ClaimsPrincipal user, string method, string url)
    {
        var key = KeyOf(method, url);
        return key is null || RoleTable.Allows(user.RoleOf(), RoleTable.Console[key]);
    }

    /// <summary>The roles that may use a row, for a control shown disabled or a refusal page ("needs owner or admin").</summary>
    public static string[] RolesFor(string key) => RoleTable.Roles[RoleTable.Console[key]];

    private static (string Path, string? Handler) Split(string url)
    {
        var query = url.IndexOf('?');
        var path = (query < 0 ? url : url[..query]).TrimEnd('/');
        string? handler = null;
        if (query >= 0)
            foreach (var pair in url[(query + 1)..].Split('&'))
                if (pair.StartsWith("handler=", StringComparison.OrdinalIgnoreCase))
                    handler = Uri.UnescapeDataString(pair[8..]).ToLowerInvariant();
        return (path == "" ? "/" : path, string.IsNullOrEmpty(handler) ? null : handler);
    }

    private static Row Parse(string key)
    {
        var space = key.IndexOf(' ');
        var (path, handler) = Split(key[(space + 1)..]);
        var pattern = "^" + Parameter().Replace(Regex.Escape(path).Replace(@"\{", "{"), "[^/]+") + "$";
        return new Row(key, key[..space], new Regex(pattern, RegexOptions.IgnoreCase), handler, Parameter().Matches(path).Count);
    }

    [GeneratedRegex(@"\{[A-Za-z]+\}")]
    private static partial Regex Parameter();
}
