using System.Text.RegularExpressions;

namespace NotificationService.Features.People.WebOrigins;

/// <summary>
/// A web origin a tenant's app runs on, exactly as a browser sends it in `Origin`: `https://app.example.com` or
/// `http://localhost:3000` (scheme, host, a port only when it is not the scheme's default; lower case; no path). No
/// wildcards and no `null`: an origin answers CORS for one site, never for a pattern.
/// </summary>
public static partial class WebOriginRules
{
    public const int MaxOrigins = 50, MaxLength = 300;
    private const string Shape = "An origin is scheme://host[:port] (https://app.example.com): no path, query, user name or wildcard.";

    [GeneratedRegex(@"^https?://[^/?#@\s*\\]+/?$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex OriginShape();

    /// <summary>The origin in the form browsers send it, or null with <paramref name="error"/> saying why not.</summary>
    public static string? Normalize(string? value, out string? error)
    {
        error = null;
        var text = value?.Trim();
        if (string.IsNullOrEmpty(text) || text.Length > MaxLength) { error = $"An origin is 1 to {MaxLength} characters."; return null; }
        if (!OriginShape().IsMatch(text) || !Uri.TryCreate(text, UriKind.Absolute, out var uri) || uri.Host.Length == 0)
        {
            error = Shape;
            return null;
        }
        return uri.IsDefaultPort ? $"{uri.Scheme}://{uri.IdnHost}" : $"{uri.Scheme}://{uri.IdnHost}:{uri.Port}";
    }

    /// <summary>The request's own origin (same-origin requests need no CORS).</summary>
    public static string Own(HttpRequest request) => $"{request.Scheme}://{request.Host.Value}".ToLowerInvariant();
}
