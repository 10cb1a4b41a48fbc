using System.Linq.Expressions;
using System.Reflection;
using HandlebarsDotNet;
using HandlebarsDotNet.Helpers;
using HandlebarsDotNet.PathStructure;

namespace NotificationService.Templates;

/// <summary>Makes <c>{{name}}</c> read the data first instead of asking for a helper first.
/// Handlebars.Net cannot tell at compile time whether a bare <c>{{name}}</c> is a helper registered later, so it
/// compiles a late-bound call that, on every render, looks the name up in each nested frame's helpers, then in
/// the helper resolvers, and only then resolves the path (for the bench order's 41 such expressions, skipping the
/// look-ups saved about 4% of the render). Our environments register every helper before compiling, have no
/// helper resolvers, and no template can add one at render time (only decorators can, and validation rejects
/// all but *inline, which adds partials), so those look-ups never find anything and the path is the answer.
/// This compile-time rewrite resolves the path directly; when the value is missing it runs the original call,
/// so the missing-value behaviour (helperMissing, undefined output) is exactly the library's.
/// Anything that does not look exactly as expected is left alone: a library update can cost speed, not output.</summary>
internal sealed class LateBoundPathRewriter : IExpressionMiddleware
{
    private int rewritten;

    /// <summary>How many late-bound calls this instance replaced, so tests can see the rewrite still applies.</summary>
    public int Rewritten => Volatile.Read(ref rewritten);

    public Expression<T> Invoke<T>(Expression<T> expression) where T : Delegate =>
        (Expression<T>)new Visitor(this).Visit(expression);

    private sealed class Visitor(LateBoundPathRewriter owner) : ExpressionVisitor
    {
        protected override Expression VisitMethodCall(MethodCallExpression node)
        {
            var visited = base.VisitMethodCall(node);
            if (visited is not MethodCallExpression call || !LateBoundCall.TryMatch(call, out var match)) return visited;
            Interlocked.Increment(ref owner.rewritten);
            return ResolveFirst(call, match);
        }
    }

    private static readonly MethodInfo ResolvePath =
        typeof(PathResolver).GetMethod(nameof(PathResolver.ResolvePath), [typeof(BindingContext), typeof(PathInfo)])!;

    private static readonly MethodInfo WriteObject =
        typeof(EncodedTextWriter).GetMethod(nameof(EncodedTextWriter.Write), [typeof(object)])!;

    /// <summary><c>value = ResolvePath(context, name); value is undefined ? original call : value</c>, and for a
    /// statement the value is written as the late-bound descriptor would write it.</summary>
    private static Expression ResolveFirst(MethodCallExpression original, LateBoundCall.Match match)
    {
        var value = Expression.Variable(typeof(object), "value");
        var isMissing = Expression.TypeIs(value, typeof(UndefinedBindingResult));
        var resolve = Expression.Assign(value,
            Expression.Call(ResolvePath, match.Context, Expression.Constant(match.Descriptor.Name, typeof(PathInfo))));
        Expression choose = match.Writer is null
            ? Expression.Condition(isMissing, original, value, typeof(object))
            : Expression.IfThenElse(isMissing, original, Expression.Call(match.Writer, WriteObject, value));
        return Expression.Block(original.Type, [value], resolve, choose);
    }
}
