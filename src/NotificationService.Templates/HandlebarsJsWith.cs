using HandlebarsDotNet;
using HandlebarsDotNet.Features;
using HandlebarsDotNet.Helpers;
using HandlebarsDotNet.PathStructure;
using HandlebarsDotNet.Runtime;

namespace NotificationService.Templates;

/// <summary><c>{{#with x}}</c> as handlebars.js 4.7 renders it: the block unless x is empty in handlebars.js's sense
/// (<c>isEmpty</c>: undefined, null, false, "", NaN or an empty array), so <c>0</c> and <c>{}</c> render the block
/// with the value as context. Handlebars.Net's own <c>with</c> took 0 as false and rendered the inverse. The library
/// installs its <c>with</c> when it compiles (a built-in feature that runs first), over any helper registered by that
/// name, so this one is installed by a feature of ours that runs after it (<see cref="Feature"/>).</summary>
internal sealed class HandlebarsJsWith : IHelperDescriptor<BlockHelperOptions>
{
    private static readonly HandlebarsJsWith Instance = new();

    public PathInfo Name { get; } = "with";

    public object Invoke(in BlockHelperOptions options, in Context context, in Arguments arguments) =>
        this.ReturnInvoke(options, context, arguments);

    public void Invoke(in EncodedTextWriter output, in BlockHelperOptions options, in Context context, in Arguments arguments)
    {
        StackGuard.Ensure();
        if (arguments.Length != 1) throw new HandlebarsException("{{with}} helper must have exactly one argument");
        var value = arguments[0];
        if (IsEmpty(value))
        {
            options.Inverse(output, context);
            return;
        }
        using var frame = FreshFrames.Create(options.Frame, value);
        var blockParams = frame.BlockParams(options.BlockVariables);
        blockParams[0] = value!;
        options.Template(output, frame);
    }

    private static bool IsEmpty(object? value) => value switch
    {
        null or UndefinedBindingResult or false => true,
        string s => s.Length == 0,
        double d => double.IsNaN(d),
        float f => float.IsNaN(f),
        object?[] items => items.Length == 0,
        System.Collections.IList list => list.Count == 0,
        _ => false,
    };

    /// <summary>Added to an environment's compile-time features; replaces the library's <c>with</c>.</summary>
    public sealed class Feature : IFeatureFactory, IFeature
    {
        public IFeature CreateFeature() => this;

        public void OnCompiling(ICompiledHandlebarsConfiguration configuration) =>
            configuration.BlockHelpers["with"] = new Ref<IHelperDescriptor<BlockHelperOptions>>(Instance);

        public void CompilationCompleted() { }
    }
}
