using System.Reflection;
using DevLab.JmesPath.Expressions;
using DevLab.JmesPath.Interop;
using Newtonsoft.Json.Linq;

namespace NotificationService.Workflows.Conditions;

/// <summary>
/// A node of a parsed condition under the evaluation's budget. JmesPath.Net has no hook between nodes, so
/// <see cref="Install"/> puts one of these between every node and each of its children (the children sit in the nodes'
/// private fields). Every evaluation of a node is a step; a projection it returns is charged item by item (steps, and the
/// characters the items take, since whoever turns it into an array copies every item); a value returned where the parent
/// copies it (a multi-select's items, so `data.a[*].[$]` copies the whole context once per item; a `let` binding; an
/// `&amp;expression` whose results `map` collects; the condition's result) is charged by size before the copy is made.
/// </summary>
internal sealed class MeteredExpression : JmesPathExpression
{
    private const BindingFlags Fields = BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly;

    private readonly bool _copied;

    private MeteredExpression(JmesPathExpression inner, bool copied)
    {
        Inner = inner;
        _copied = copied || inner.IsExpressionType;
        if (inner.IsExpressionType) MakeExpressionType(this);
    }

    public JmesPathExpression Inner { get; }

    /// <summary>The tree with every node metered; its result is copied into the condition's result, so it is charged.</summary>
    public static JmesPathExpression Install(JmesPathExpression root) => Wrap(root, copied: true);

    public override JmesPathArgument Transform(JmesPathArgument argument)
    {
        ConditionBudget.Step();
        var result = Inner.Transform(argument);
        if (result.IsProjection) ConditionBudget.Charge(result.Projection);
        else if (_copied) ConditionBudget.Charge(result.Token);
        return result;
    }

    public override Task<JmesPathArgument> TransformAsync(JmesPathArgument argument) => Task.FromResult(Transform(argument));

    protected override JmesPathArgument Transform(JToken json) => Transform(new JmesPathArgument(json));

    public override void Accept(IVisitor visitor) => Inner.Accept(visitor);

    public override string ToString() => Inner.ToString();

    protected override string Format() => Inner.ToString();

    private static MeteredExpression Wrap(JmesPathExpression node, bool copied)
    {
        if (node is MeteredExpression metered) return metered;
        MeterChildren(node);
        return new MeteredExpression(node, copied);
    }

    /// <summary>Wraps the children held in <paramref name="node"/>'s fields, whatever its type declares them as.</summary>
    private static void MeterChildren(JmesPathExpression node)
    {
        var copies = node is JmesPathMultiSelectList or JmesPathMultiSelectHash;
        for (var type = node.GetType(); type is not null && type != typeof(JmesPathExpression); type = type.BaseType)
        {
            foreach (var field in type.GetFields(Fields))
            {
                switch (field.GetValue(node))
                {
                    case JmesPathExpression child:
                        field.SetValue(node, Wrap(child, copies));
                        break;
                    case JmesPathExpression[] children:
                        for (var i = 0; i < children.Length; i++) children[i] = Wrap(children[i], copies);
                        break;
                    case IList<JmesPathExpression> children:
                        for (var i = 0; i < children.Count; i++) children[i] = Wrap(children[i], copies);
                        break;
                    case IDictionary<string, JmesPathExpression> children:
                        foreach (var key in children.Keys.ToList()) children[key] = Wrap(children[key], copies);
                        break;
                    case IList<JmesPathBinding> bindings:
                        foreach (var binding in bindings) MeterBinding(binding);
                        break;
                }
            }
        }
    }

    /// <summary>A `let` binding's value is copied into the scope the body reads.</summary>
    private static void MeterBinding(JmesPathBinding binding)
    {
        var field = typeof(JmesPathBinding).GetFields(Fields).Single(f => f.FieldType == typeof(JmesPathExpression));
        field.SetValue(binding, Wrap((JmesPathExpression)field.GetValue(binding)!, copied: true));
    }
}
