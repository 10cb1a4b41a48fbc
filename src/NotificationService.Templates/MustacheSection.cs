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

    public static void Render(EncodedTextWriter output, BlockHelperOptions options, Context context, Arguments arguments)
    {
        if (arguments.Length > 0) // a real call of an unknown helper; validation refuses these at save
            throw new HandlebarsRuntimeException($"Template references a helper that cannot be resolved. BlockHelper '{options.Name}'");
        var frame = options.Frame;
        var value = PathResolver.ResolvePath(frame, options.Name);
        switch (value)
        {
            case true:
                options.Template(output, frame);
                return;
            case null or false or UndefinedBindingResult or object?[] { Length: 0 }:
                options.Inverse(output, frame);
                return;
            case object?[] items:
                var section = options;
                new TypeStableArrayIterator().Iterate(output, frame, options.BlockVariables, items,
                    (EncodedTextWriter writer, BindingContext item) => section.Template(writer, item),
                    (EncodedTextWriter writer, BindingContext empty) => section.Inverse(writer, empty));
                return;
            default:
                using (var inner = options.CreateFrame(value)) options.Template(output, inner);
                return;
        }
    }
}
