using HandlebarsDotNet;

namespace NotificationService.Templates.Helpers;

/// <summary>The documented helper set, registered identically on the HTML and the plain-text environments.
/// Validation accepts exactly these names plus the Handlebars built-ins.</summary>
public static class HelperCatalog
{
    private static readonly (string Name, Func<Arguments, object?> Body)[] Helpers =
    [
        ("formatDate", DateHelper.FormatDate),
        ("formatNumber", NumberHelpers.FormatNumber),
        ("formatCurrency", NumberHelpers.FormatCurrency),
        ("eq", LogicHelpers.Eq), ("ne", LogicHelpers.Ne), ("gt", LogicHelpers.Gt), ("lt", LogicHelpers.Lt),
        ("and", LogicHelpers.And), ("or", LogicHelpers.Or), ("not", LogicHelpers.Not),
        ("default", TextHelpers.Default),
        ("upper", TextHelpers.Upper), ("lower", TextHelpers.Lower), ("capitalize", TextHelpers.Capitalize),
        ("truncate", TextHelpers.Truncate),
        ("json", TextHelpers.Json),
    ];

    /// <summary>Built-in helpers of handlebars.js 4 that templates may use.</summary>
    public static readonly IReadOnlySet<string> BuiltInBlockHelpers =
        new HashSet<string>(["if", "unless", "each", "with"], StringComparer.Ordinal);

    public static readonly IReadOnlySet<string> BuiltInHelpers =
        new HashSet<string>(["lookup", "log"], StringComparer.Ordinal);

    public static IReadOnlySet<string> CustomHelpers { get; } =
        new HashSet<string>(Helpers.Select(h => h.Name), StringComparer.Ordinal);

    public static bool IsKnown(string name) =>
        CustomHelpers.Contains(name) || BuiltInHelpers.Contains(name) || BuiltInBlockHelpers.Contains(name);

    internal static void RegisterAll(IHandlebars environment)
    {
        RegisterCustomHelpers(environment);
        // handlebars.js's log writes to the browser console; a notification has no console, so it prints nothing.
        environment.RegisterHelper("log", (in EncodedTextWriter _, in HelperOptions _, in Context _, in Arguments _) => { });
        environment.RegisterHelper(MustacheSection.HookName, MustacheSection.Render);
        environment.RegisterHelper(MustacheSection.ElseUnlessHelper, MustacheSection.ElseUnless);
        environment.RegisterHelper(MustacheSection.SectionHelper, MustacheSection.RenderSectionHelper);
        environment.RegisterHelper(RawBlockRewriter.HelperName, RawBlockRewriter.Literal);
        environment.RegisterHelper(DynamicPartialName.HelperName, DynamicPartialName.Check);
    }

    /// <summary>Only the documented helpers: what TemplateBench registers on a plain Handlebars.Net environment.</summary>
    internal static void RegisterCustomHelpers(IHandlebars environment)
    {
        foreach (var (name, body) in Helpers)
            environment.RegisterHelper(name, (Context _, Arguments arguments) => body(arguments));
    }
}
