using System.Text.Json.Nodes;

namespace NotificationService.Templates.Tests;

/// <summary>Short builders so each test reads as template + data + expectation.</summary>
internal static class TemplateTestData
{
    private static int keys;

    public static TemplateDefinition Text(string source, IReadOnlyDictionary<string, string>? partials = null) =>
        new(NextKey(), [new TemplatePart("body", source, IsHtml: false)], partials);

    public static TemplateDefinition Html(string source, IReadOnlyDictionary<string, string>? partials = null, string? layout = null) =>
        new(NextKey(), [new TemplatePart("html", source, IsHtml: true)], partials, layout);

    public static JsonNode? Json(string json) => JsonNode.Parse(json);

    public static string RenderText(this TemplateEngine engine, string source, string json, RenderOptions? options = null) =>
        engine.Render(Text(source), Json(json), options).Parts["body"];

    public static string RenderHtml(this TemplateEngine engine, string source, string json) =>
        engine.Render(Html(source), Json(json)).Parts["html"];

    public static string NextKey() => "test-" + Interlocked.Increment(ref keys);
}
