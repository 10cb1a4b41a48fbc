using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using HandlebarsDotNet;

namespace NotificationService.Templates;

// TEMPORARY: replaced by the full engine (helpers, validation, variables) from the templates branch.
public sealed class TemplateEngine
{
    private readonly IHandlebars _html = Handlebars.Create();
    private readonly IHandlebars _text = Handlebars.Create(new HandlebarsConfiguration { TextEncoder = null });
    private readonly ConcurrentDictionary<string, HandlebarsTemplate<object, object>> _cache = new();

    public RenderResult Render(TemplateDefinition def, JsonNode? data, RenderOptions? options = null)
    {
        var model = ToModel(data);
        var parts = new Dictionary<string, string>();
        foreach (var p in def.Parts)
        {
            var t = _cache.GetOrAdd(def.CacheKey + "|" + p.Name, _ => (p.IsHtml ? _html : _text).Compile(p.Source));
            parts[p.Name] = t(model);
        }
        return new RenderResult(parts, []);
    }

    public static string DeriveText(string html) => Regex.Replace(Regex.Replace(html, "<[^>]+>", " "), @"\s+", " ").Trim();

    private static object? ToModel(JsonNode? n) => n switch
    {
        JsonObject o => o.ToDictionary(p => p.Key, p => ToModel(p.Value)),
        JsonArray a => a.Select(ToModel).ToList(),
        JsonValue v => v.GetValue<object>().ToString(),
        _ => null,
    };
}
