using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using HandlebarsDotNet;
using NotificationService.Templates;
using NotificationService.Templates.Helpers;

/// <summary>The same template rendered with Handlebars.Net alone, as a team without our engine layer would:
/// one environment, the same helpers and partials, each part and the layout compiled once, and the JSON data
/// turned into dictionaries and lists on every render (our engine converts it on every render too). What it
/// leaves out is ours: validation, the render budget, the HTML-to-text part, the compatibility rewrites.</summary>
internal sealed class PlainHandlebars
{
    private readonly List<(string Name, bool IsHtml, HandlebarsTemplate<object, object> Render)> parts = [];
    private readonly HandlebarsTemplate<object, object>? layout;

    public PlainHandlebars(TemplateDefinition definition)
    {
        var environment = Handlebars.Create(new HandlebarsConfiguration { FormatProvider = CultureInfo.InvariantCulture });
        HelperCatalog.RegisterCustomHelpers(environment);
        foreach (var (name, source) in definition.Partials ?? new Dictionary<string, string>()) environment.RegisterTemplate(name, source);
        foreach (var part in definition.Parts) parts.Add((part.Name, part.IsHtml, environment.Compile(part.Source)));
        if (definition.Layout is not null) layout = environment.Compile(definition.Layout);
    }

    /// <param name="withTextPart">Also derive the "text" part from the HTML as our engine does for an email
    /// without one (with the engine's public DeriveText), so both produce the same parts.</param>
    public Dictionary<string, string> Render(JsonNode data, bool withTextPart = false)
    {
        var context = (Dictionary<string, object?>)Convert(data)!;
        var output = new Dictionary<string, string>(parts.Count);
        foreach (var (name, isHtml, render) in parts)
        {
            var text = render(context);
            if (isHtml && layout is not null) text = layout(new Dictionary<string, object?>(context) { ["body"] = text });
            output[name] = text;
        }
        if (withTextPart && output.TryGetValue("html", out var html)) output["text"] = TemplateEngine.DeriveText(html);
        return output;
    }

    private static object? Convert(JsonNode? node) => node switch
    {
        null => null,
        JsonObject o => o.ToDictionary(p => p.Key, p => Convert(p.Value)),
        JsonArray a => a.Select(Convert).ToList(),
        JsonValue v => v.GetValueKind() switch
        {
            JsonValueKind.String => v.GetValue<string>(),
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            JsonValueKind.Number when v.TryGetValue<long>(out var l) => l,
            JsonValueKind.Number => v.GetValue<double>(),
            _ => null,
        },
        _ => null,
    };
}
