using System.Text.Json;
using System.Text.Json.Nodes;

namespace NotificationService.Features.Sending.Templates;

/// <summary>
/// Example data shaped like a template's own variables (the analyzer's paths: `user.firstName`, `items[].title`), so an
/// editor's preview starts readable ("Welcome to Acme, Ada!") instead of blank where the data has no such names. Values
/// are guessed from the variable's name (an email looks like an email, a date like a date); anything else gets its own
/// name, which shows in the preview where it lands.
/// </summary>
public static class SampleData
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    public static string Skeleton(IEnumerable<string> variables) => Build(variables).ToJsonString(Indented);

    public static JsonObject Build(IEnumerable<string> variables)
    {
        var root = new JsonObject();
        foreach (var path in variables)
        {
            if (path.StartsWith('@') || path.Length == 0) continue;   // @index, @root…: the engine's, not the data's
            var segments = path.Split('.');
            JsonObject node = root;
            for (var i = 0; i < segments.Length; i++)
            {
                var (name, isArray) = segments[i].EndsWith("[]", StringComparison.Ordinal)
                    ? (segments[i][..^2], true) : (segments[i], false);
                if (name.Length == 0) break;
                var last = i == segments.Length - 1;
                if (last && !isArray)
                {
                    if (node[name] is null) node[name] = Example(name);   // an object or array already there wins (it has children)
                    break;
                }
                node = isArray ? ItemOf(node, name) : ObjectAt(node, name);
            }
        }
        return root;
    }

    /// <summary>The one object inside the array at <paramref name="name"/> (`items[].title` → items: [{ title }]).</summary>
    private static JsonObject ItemOf(JsonObject parent, string name)
    {
        if (parent[name] is JsonArray { Count: > 0 } a && a[0] is JsonObject existing) return existing;
        var item = new JsonObject();
        parent[name] = new JsonArray(item);
        return item;
    }

    private static JsonObject ObjectAt(JsonObject parent, string name)
    {
        if (parent[name] is JsonObject existing) return existing;
        var created = new JsonObject();
        parent[name] = created;
        return created;
    }

    private static JsonNode Example(string name)
    {
        var n = name.ToLowerInvariant();
        if (n.Contains("email")) return "ada@example.com";
        if (n.Contains("phone")) return "+14155550100";
        if (n.Contains("url") || n.Contains("link") || n.Contains("href")) return "https://example.com/";
        if (n is "name" or "firstname" or "first_name" or "givenname") return "Ada";   // "Hello {{name}}" greets a first name
        if (n is "lastname" or "last_name" or "familyname") return "Lovelace";
        if (n.EndsWith("name", StringComparison.Ordinal))
            return n is "appname" or "companyname" or "brandname" or "productname" ? "Acme" : "Ada Lovelace";
        if (n == "currency" || n.EndsWith("currencycode", StringComparison.Ordinal)) return "USD";
        if (n.Contains("date") || n.Contains("time") || n.Contains("week") || n.StartsWith("estimated", StringComparison.Ordinal)
                || n.Contains("deadline") || name.EndsWith("At", StringComparison.Ordinal) || n.EndsWith("_at", StringComparison.Ordinal))
            return "2026-01-05T09:00:00Z";
        if (n.Contains("count") || n.Contains("total") || n.Contains("amount") || n.Contains("price") || n.Contains("quantity")
                || n.StartsWith("num", StringComparison.Ordinal))
            return 3;
        if (n.EndsWith("id", StringComparison.Ordinal) || n.Contains("code") || n.Contains("number")) return "A1001";
        return name;
    }
}
