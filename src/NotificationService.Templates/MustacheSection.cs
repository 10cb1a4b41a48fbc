using HandlebarsDotNet;
using HandlebarsDotNet.Compiler;
using HandlebarsDotNet.PathStructure;

namespace NotificationService.Templates;

/// <summary>A block whose name is not a helper, <c>{{#goodbyes}}…{{/goodbyes}}</c>, is a Mustache section over
/// that value, as handlebars.js's blockHelperMissing renders it: an array renders the block once per item (with
/// @index, @first, @last), <c>true</c> once in the same context, false/null/missing/an empty array the inverse
/// (<c>{{^}}</c>/<c>{{else}}</c>), anything else (an object, a string, a number, 0 included) once with the value
/// as context. Handlebars.Net's own fallback iterates an object's values instead of entering the object (our
/// JSON objects are dictionaries), so <c>{{#user}}{{name}}{{/user}}</c> printed nothing; it also skipped 0.
/// Registered as the environment's "blockHelperMissing", the hook Handlebars.Net calls for such blocks.</summary>
internal static class MustacheSection
{
    public const string HookName = "blockHelperMissing";

    /// <summary>Used only by <see cref="HandlebarsJsSourceRewriter"/> for <c>{{else unless x}}</c>: true where
    /// <c>{{#unless x}}</c> renders (false, null, missing, "", 0, NaN, an empty array). Not in the catalog, so a
    /// template cannot call it by name.</summary>
    public const string ElseUnlessHelper = "__handlebarsJsUnless";

    public static object ElseUnless(Context _, Arguments arguments) =>
        arguments.Length == 0 || arguments[0] is object?[] { Length: 0 } || !Helpers.HelperValues.IsTruthy(arguments[0]);

    /// <summary>Used only by <see cref="HandlebarsJsSourceRewriter"/> for a section over a path Handlebars.Net cannot
    /// close (<c>{{#../items}}…{{/../items}}</c>: "A closing element '/../items' was found without a matching open
    /// element"): written <c>{{#__handlebarsJsSection ../items}}…{{/__handlebarsJsSection}}</c>, with a second
    /// argument <c>true</c> for an inverted section (<c>{{^../items}}</c>). Renders exactly as the section would.</summary>
    public const string SectionHelper = "__handlebarsJsSection";

    public static void RenderSectionHelper(EncodedTextWriter output, BlockHelperOptions options, Context context, Arguments arguments)
    {
        var value = arguments.Length > 0 ? arguments[0] : null;
        if (arguments.Length > 1 && arguments[1] is true) Inverted(output, options, value);
        else Section(output, options, value);
    }

    public static void Render(EncodedTextWriter output, BlockHelperOptions options, Context context, Arguments arguments)
    {
        if (arguments.Length > 0) // a real call of an unknown helper; validation refuses these at save
            throw new HandlebarsRuntimeException($"Template references a helper that cannot be resolved. BlockHelper '{options.Name}'");
        Section(output, options, PathResolver.ResolvePath(options.Frame, options.Name));
    }

    /// <summary><c>{{^x}}A{{else}}B{{/x}}</c> is <c>{{#x}}B{{else}}A{{/x}}</c> in handlebars.js (the parser swaps the
    /// two programs), so B is rendered as the section's body: once per item of an array.</summary>
    private static void Inverted(EncodedTextWriter output, BlockHelperOptions options, object? value) =>
        Section(output, options, value, swap: true);

    private static void Section(EncodedTextWriter output, BlockHelperOptions options, object? value, bool swap = false)
    {
        StackGuard.Ensure();
        var section = options;
        void Body(EncodedTextWriter writer, BindingContext frame)
        {
            if (swap) section.Inverse(writer, frame);
            else section.Template(writer, frame);
        }
        void Inverse(EncodedTextWriter writer, BindingContext frame)
        {
            if (swap) section.Template(writer, frame);
            else section.Inverse(writer, frame);
        }
        var current = options.Frame;
        switch (value)
        {
            case true:
                Body(output, current);
                return;
            case null or false or UndefinedBindingResult or object?[] { Length: 0 }:
                Inverse(output, current);
                return;
            case object?[] items:
                new TypeStableArrayIterator().Iterate(output, current, options.BlockVariables, items,
                    (EncodedTextWriter writer, BindingContext item) => Body(writer, item),
                    (EncodedTextWriter writer, BindingContext empty) => Inverse(writer, empty));
                return;
            default:
                using (var inner = FreshFrames.Create(current, value)) Body(output, inner);
                return;
        }
    }
}
