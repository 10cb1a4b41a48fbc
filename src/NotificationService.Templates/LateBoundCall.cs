using System.Linq.Expressions;
using System.Reflection;
using HandlebarsDotNet;
using HandlebarsDotNet.Helpers;
using HandlebarsDotNet.Runtime;

namespace NotificationService.Templates;

/// <summary>Recognises, in a template's compiled expression tree, a call of Handlebars.Net's late-bound
/// helper-or-path descriptor with no arguments, in the shapes Handlebars.Net 2.4 emits:
/// <c>descriptor.Invoke(writer, new HelperOptions(path, context), new Context(context), new Arguments(0))</c>
/// (statements; without the writer for values) and <c>CompiledHelperInvokers.Invoke(helperRef, path, context)</c>
/// (block helper and hash arguments). Only an exact match counts; see <see cref="LateBoundPathRewriter"/>.</summary>
internal static class LateBoundCall
{
    public sealed record Match(LateBindHelperDescriptor Descriptor, ParameterExpression Context, ParameterExpression? Writer);

    public static bool TryMatch(MethodCallExpression call, out Match match)
    {
        match = null!;
        var method = call.Method;
        if (method.Name == "Invoke" && method.DeclaringType == typeof(IHelperDescriptor<HelperOptions>))
            return TryMatchDescriptorCall(call, ref match);
        if (method.DeclaringType?.Name == "CompiledHelperInvokers" && method.IsStatic)
            return TryMatchInvokerCall(call, ref match);
        return false;
    }

    private static bool TryMatchDescriptorCall(MethodCallExpression call, ref Match match)
    {
        var args = call.Arguments;
        var statement = call.Type == typeof(void);
        if (args.Count != (statement ? 4 : 3)) return false;
        var writer = statement ? args[0] as ParameterExpression : null;
        if (statement && writer?.Type != typeof(EncodedTextWriter)) return false;
        var offset = statement ? 1 : 0;
        if (Evaluate(call.Object) is not LateBindHelperDescriptor descriptor) return false;
        if (args[offset] is not NewExpression { Arguments: [_, ParameterExpression context] } options
            || options.Type != typeof(HelperOptions) || context.Type != typeof(BindingContext)) return false;
        if (!IsNoArguments(args[offset + 2])) return false;
        match = new Match(descriptor, context, writer);
        return true;
    }

    private static bool TryMatchInvokerCall(MethodCallExpression call, ref Match match)
    {
        if (call.Method.Name != "Invoke" || call.Type != typeof(object)) return false;
        if (call.Arguments is not [var helperRef, _, ParameterExpression context] || context.Type != typeof(BindingContext)) return false;
        if (Evaluate(helperRef) is not Ref<IHelperDescriptor<HelperOptions>> { Value: LateBindHelperDescriptor descriptor }) return false;
        match = new Match(descriptor, context, null);
        return true;
    }

    private static bool IsNoArguments(Expression expression) =>
        expression is NewExpression { Arguments: [ConstantExpression { Value: 0 }] } arguments && arguments.Type == typeof(Arguments);

    /// <summary>The value of a constant, or of fields and properties read from one (how captured variables
    /// appear in the tree); null for anything that would need running code.</summary>
    private static object? Evaluate(Expression? expression) => expression switch
    {
        ConstantExpression constant => constant.Value,
        UnaryExpression { NodeType: ExpressionType.Convert } convert => Evaluate(convert.Operand),
        MemberExpression { Member: FieldInfo field } member => Read(member.Expression, field.IsStatic, field.GetValue),
        MemberExpression { Member: PropertyInfo property } member when property.GetIndexParameters().Length == 0 =>
            Read(member.Expression, property.GetMethod?.IsStatic ?? false, property.GetValue),
        _ => null,
    };

    private static object? Read(Expression? owner, bool isStatic, Func<object?, object?> read)
    {
        if (isStatic) return read(null);
        var instance = Evaluate(owner);
        return instance is null ? null : read(instance);
    }
}
