using System.Text.Json.Nodes;

namespace NotificationService.Templates;

/// <summary>Validates and renders Handlebars templates. One instance per process: it is thread-safe and keeps
/// compiled templates in a bounded cache keyed by <see cref="TemplateDefinition.Tenant"/> and
/// <see cref="TemplateDefinition.CacheKey"/>.</summary>
public sealed class TemplateEngine(int cacheCapacity = 2000, RenderLimits? limits = null)
{
    /// <summary>Every render's time and output budget (preview, test send, bulk dry run, delivery).</summary>
    public RenderLimits Limits { get; } = limits ?? RenderLimits.Default;

    private readonly CompiledTemplateCache cache = new(cacheCapacity);

    internal int CachedTemplates => cache.Count;

    /// <summary>Everything wrong with the template, each with part, line and column; empty when it can be saved.</summary>
    public IReadOnlyList<TemplateError> Validate(TemplateDefinition definition) => TemplateCompiler.Validate(definition, Limits);

    /// <summary>Variable paths the template uses, in order of first use: "user.name", "items", "items[].price"
    /// (a field of each element of items). Helpers, @data variables and literals are excluded.</summary>
    public IReadOnlyList<string> Variables(TemplateDefinition definition) => TemplateCompiler.Analyze(definition).Variables;

    /// <summary>Names of the partials reachable from the parts and layout (transitively), so a caller can
    /// store exactly the partials a version needs next to it.</summary>
    public IReadOnlyCollection<string> PartialsUsed(TemplateDefinition definition) => TemplateCompiler.Analyze(definition).PartialsUsed;

    /// <summary>Renders every part. HTML parts are wrapped in the layout; an email with "html" but no "text"
    /// part also gets a "text" part derived from the HTML. Throws <see cref="TemplateValidationException"/>
    /// for an invalid template and <see cref="TemplateDataTooLargeException"/> for oversized data.</summary>
    public RenderResult Render(TemplateDefinition definition, JsonNode? data, RenderOptions? options = null)
    {
        var compiled = Compiled(definition);
        var context = JsonDataConverter.ToPlain(data); // also enforces TemplateDataLimits
        var parts = new Dictionary<string, string>(compiled.Parts.Count + 1, StringComparer.Ordinal);

        using (RenderScope.Use(options))
        using (RenderBudget.Start(Limits))
        using (StackGuard.Begin())
        {
            foreach (var (part, render) in compiled.Parts)
            {
                var output = Run(render, context, part.Name);
                if (part.IsHtml && compiled.Layout is not null) output = Run(compiled.Layout, WithBody(context, output), part.Name);
                parts[part.Name] = output;
            }
        }
        if (parts.TryGetValue("html", out var html) && !parts.ContainsKey("text")) parts["text"] = DeriveText(html);
        return new RenderResult(parts, MissingVariables(compiled, context));
    }

    /// <summary>
    /// The required variables (see <see cref="RequiredVariables"/>) that are absent or null in <paramref name="data"/>,
    /// without rendering: a walk of the data along each required path, the compiled template coming from the same
    /// tenant-keyed cache the render uses. What a send can be told at accept, in the same words delivery would fail with.
    /// </summary>
    public IReadOnlyList<string> MissingVariables(TemplateDefinition definition, JsonNode? data)
    {
        var compiled = Compiled(definition);
        List<string>? missing = null;
        for (var i = 0; i < compiled.RequiredPaths.Count; i++)
            if (!IsPresentIn(data, compiled.RequiredPaths[i])) (missing ??= []).Add(compiled.RequiredVariables[i]);
        return missing ?? (IReadOnlyList<string>)[];
    }

    /// <summary>The variables a render needs the data to give (absent or null: the render reports them missing). A variable
    /// read only inside `{{#if}}`, `{{#unless}}`, `{{#each}}`, an `{{else}}` branch or a section, or declared optional, is not
    /// among them.</summary>
    public IReadOnlyList<string> RequiredVariables(TemplateDefinition definition) => Compiled(definition).RequiredVariables;

    /// <summary>Whether <paramref name="path"/> (split at its dots) leads to a present, non-null value of the JSON data.</summary>
    public static bool IsPresentIn(JsonNode? node, ReadOnlySpan<string> path)
    {
        foreach (var segment in path)
        {
            node = node switch
            {
                JsonObject obj => obj.TryGetPropertyValue(segment, out var value) ? value : null,
                JsonArray list when int.TryParse(segment, out var i) && i >= 0 && i < list.Count => list[i],
                JsonArray list when segment == "length" => list.Count,
                _ => null,
            };
            if (node is null) return false;
        }
        return true;
    }

    private CompiledTemplate Compiled(TemplateDefinition definition) =>
        cache.GetOrAdd((definition.Tenant, definition.CacheKey), static s => TemplateCompiler.Compile(s.definition, s.Limits),
            (definition, Limits));

    /// <summary>The text/plain alternative of an HTML email (tags stripped, entities decoded, link URLs kept).</summary>
    public static string DeriveText(string html) => HtmlToText.Convert(html);

    private static string Run(HandlebarsDotNet.HandlebarsTemplate<TextWriter, object, object> render, object? context, string part)
    {
        var buffer = RenderBuffer.Rent();
        try
        {
            using var writer = new BudgetedWriter(buffer, part);
            render(writer, context!, FreshDataVariables);
            return buffer.ToString();
        }
        catch (Exception e) when (Inner<InsufficientExecutionStackException>(e) is not null)
        {
            throw new TemplateRenderLimitException("depth", $"part '{part}' nests deeper than a render may go");
        }
        catch (Exception e) when (e is not TemplateRenderLimitException && Inner<TemplateRenderLimitException>(e) is { } limit)
        {
            throw limit; // Handlebars.Net wraps what a helper or iterator throws; the budget's own exception is the answer
        }
        catch (Exception e) when (DynamicPartialName.AsTemplateError(e, part) is { } missingPartial)
        {
            throw missingPartial;
        }
        finally
        {
            RenderBuffer.Return(buffer);
        }
    }

    /// <summary>
    /// The data of every render's root frame: @index, @key, @first, @last and @value, empty as handlebars.js has them
    /// outside a loop. Handlebars.Net takes its binding frames from one pool shared by every render in the process, and
    /// a root frame keeps the slots those variables had in its previous life; 255 uses later (one byte of version) the
    /// old slot reads as current, so <c>{{@value.email}}</c> outside a loop could print an item of another tenant's
    /// render. Setting them here gives each render's root frame, and every frame under it, slots of its own.
    /// </summary>
    private static readonly Dictionary<string, object?> FreshDataVariables = new(StringComparer.Ordinal)
    {
        ["index"] = null, ["key"] = null, ["first"] = null, ["last"] = null, ["value"] = null,
    };

    private static T? Inner<T>(Exception e) where T : Exception
    {
        for (Exception? x = e; x is not null; x = x.InnerException)
            if (x is T t) return t;
        return null;
    }

    /// <summary>The layout sees the same data as the body plus "body" (the rendered part), so it can use
    /// {{company.name}} in a footer. A shallow copy: the caller's data is never modified. Still a plain
    /// Dictionary, as it always was, so a layout that prints or iterates its own context is unchanged.</summary>
    private static Dictionary<string, object?> WithBody(object? context, string body)
    {
        var root = context as JsonObjectData;
        var layoutContext = new Dictionary<string, object?>((root?.Count ?? 0) + 1, StringComparer.Ordinal);
        if (root is not null)
            foreach (var (key, value) in root) layoutContext.Add(key, value);
        layoutContext["body"] = body;
        return layoutContext;
    }

    /// <summary>Required variables that are absent or null in the data.</summary>
    private static IReadOnlyList<string> MissingVariables(CompiledTemplate compiled, object? context)
    {
        List<string>? missing = null;
        for (var i = 0; i < compiled.RequiredPaths.Count; i++)
            if (!IsPresent(context, compiled.RequiredPaths[i])) (missing ??= []).Add(compiled.RequiredVariables[i]);
        return missing ?? (IReadOnlyList<string>)[];
    }

    private static bool IsPresent(object? node, string[] path)
    {
        foreach (var segment in path)
        {
            node = node switch
            {
                JsonObjectData obj => obj.TryGetValue(segment, out var value) ? value : null,
                object?[] list when int.TryParse(segment, out var i) && i >= 0 && i < list.Length => list[i],
                object?[] list when segment == "length" => list.Length,
                _ => null,
            };
            if (node is null) return false;
        }
        return true;
    }
}
