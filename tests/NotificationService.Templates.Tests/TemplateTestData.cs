using System.Text.Json.Nodes;

namespace NotificationService.Templates.Tests;

/// <summary>Short builders so each test reads as template + data + expectation.</summary>
internal static class TemplateTestData
{
    private static int keys;

    /// <summary>The tenant every definition here belongs to, unless a spec is about tenants.</summary>
    public static readonly Guid Tenant = Guid.Parse("00000000-0000-0000-0000-00000000000a");

    public static TemplateDefinition Text(string source, IReadOnlyDictionary<string, string>? partials = null) =>
        new(Tenant, NextKey(), [new TemplatePart("body", source, IsHtml: false)], partials);

    public static TemplateDefinition Html(string source, IReadOnlyDictionary<string, string>? partials = null, string? layout = null) =>
        new(Tenant, NextKey(), [new TemplatePart("html", source, IsHtml: true)], partials, layout);

    public static JsonNode? Json(string json) => JsonNode.Parse(json);

    public static string RenderText(this TemplateEngine engine, string source, string json, RenderOptions? options = null) =>
        engine.Render(Text(source), Json(json), options).Parts["body"];

    public static string RenderHtml(this TemplateEngine engine, string source, string json) =>
        engine.Render(Html(source), Json(json)).Parts["html"];

    public static string NextKey() => "test-" + Interlocked.Increment(ref keys);
}
