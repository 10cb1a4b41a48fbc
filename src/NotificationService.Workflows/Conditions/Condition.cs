using System.Collections.Concurrent;
using DevLab.JmesPath;
using DevLab.JmesPath.Expressions;
using DevLab.JmesPath.Interop;
using Newtonsoft.Json.Linq;

namespace NotificationService.Workflows.Conditions;

/// <summary>
/// A JMESPath expression (https://jmespath.org/specification.html, JmesPath.Net) over the run's context: `data.*` (the
/// trigger's payload), `recipient.*` (the profile), `actor.*` and `steps.&lt;id&gt;.*`. A condition holds when its result is
/// truthy in JMESPath's sense (not null, false, "", [] or {}).
///
/// Bounded while it runs. The expression is at most <see cref="MaxLength"/> characters and the product of its multi-selects'
/// widths at most <see cref="MaxAmplification"/> (checked on the parsed tree, so an obviously exploding condition is refused
/// when the workflow is saved). That is not enough: a function's output is not bounded by its input (`join` repeats its
/// separator once per item, so `join(join(data.s, data.a), data.a)` squares), and a projection can copy the whole context
/// once per item (`map(&amp;$, data.a)`, `data.a[*].[$]`). So every evaluation runs under a budget (<see cref="ConditionLimits"/>:
/// steps, characters produced, bytes allocated, time), charged by every node and every function call as it runs
/// (<see cref="MeteredExpression"/>,
/// <see cref="BudgetedFunction"/>); past a limit it stops with a <see cref="ConditionException"/> naming the limit.
/// A result larger than <see cref="MaxResultChars"/> is an error too.
///
/// A parsed JmesPath.Net tree is not safe to evaluate on two threads at once (`$` and `let` keep the evaluation's root and
/// scopes in the tree), and a stored workflow's conditions are shared by its concurrent runs: each evaluation takes a tree
/// of its own from a small pool.
/// </summary>
public sealed class Condition
{
    public const int MaxLength = 1000;
    public const int MaxAmplification = 64;
    public const int MaxResultChars = 64 * 1024;

    private const int IdleTrees = 4;

    private static readonly JmesPath Engine = BudgetedFunction.Install(new JmesPath());
    private readonly ConcurrentBag<JmesPathExpression> _idle = [];

    private Condition(string text, JmesPathExpression parsed)
    {
        Text = text;
        _idle.Add(MeteredExpression.Install(parsed));
    }

    public string Text { get; }

    public override string ToString() => Text;

    /// <summary>The parsed condition, or why it is not one.</summary>
    public static bool TryParse(string? text, out Condition? condition, out string? error)
    {
        condition = null;
        error = null;
        if (string.IsNullOrWhiteSpace(text)) { error = "a condition must be a non-empty JMESPath expression"; return false; }
        if (text.Length > MaxLength) { error = $"a condition is at most {MaxLength} characters"; return false; }
        JmesPathExpression parsed;
        try { parsed = Engine.Parse(text); }
        catch (Exception e) { error = $"not a JMESPath expression: {e.Message}"; return false; }
        var amplification = new Amplification();
        parsed.Accept(amplification);
        if (amplification.Product > MaxAmplification)
        {
            error = $"its multi-selects could multiply the context {amplification.Product} times (at most {MaxAmplification})";
            return false;
        }
        condition = new Condition(text, parsed);
        return true;
    }

    public static Condition Parse(string text) =>
        TryParse(text, out var c, out var error) ? c! : throw new FormatException(error);

    /// <summary>The expression's result over <paramref name="context"/> within <paramref name="limits"/> (default
    /// <see cref="ConditionLimits.Default"/>); throws <see cref="ConditionException"/> when it fails, runs past a limit or its
    /// result is past the output bound.</summary>
    public JToken Evaluate(JToken context, ConditionLimits? limits = null)
    {
        var tree = Rent();
        JToken result;
        try
        {
            using var budget = ConditionBudget.Start(limits ?? ConditionLimits.Default);
            result = tree.Transform(context).AsJToken() ?? JValue.CreateNull();
        }
        catch (Exception e) { throw new ConditionException(Text, e.Message); }
        finally { Return(tree); }
        if (result.ToString(Newtonsoft.Json.Formatting.None).Length > MaxResultChars)
            throw new ConditionException(Text, $"its result is larger than {MaxResultChars} characters");
        return result;
    }

    /// <summary>Whether the result is truthy (JMESPath: not null, false, empty string, empty array or empty object).</summary>
    public bool Holds(JToken context, ConditionLimits? limits = null) => Truthy(Evaluate(context, limits));

    private JmesPathExpression Rent() => _idle.TryTake(out var tree) ? tree : MeteredExpression.Install(Engine.Parse(Text));

    private void Return(JmesPathExpression tree)
    {
        if (_idle.Count < IdleTrees) _idle.Add(tree);
    }

    public static bool Truthy(JToken? t) => t switch
    {
        null => false,
        { Type: JTokenType.Null or JTokenType.Undefined } => false,
        { Type: JTokenType.Boolean } => t.Value<bool>(),
        { Type: JTokenType.String } => t.Value<string>()!.Length > 0,
        JArray a => a.Count > 0,
        JObject o => o.Count > 0,
        _ => true,
    };

    /// <summary>The product of multi-select widths: an upper bound on how many times an evaluation can copy its input.</summary>
    private sealed class Amplification : IVisitor
    {
        public long Product { get; private set; } = 1;

        public void Visit(JmesPathExpression expression)
        {
            var width = expression switch
            {
                JmesPathMultiSelectList l => l.Expressions.Length,
                JmesPathMultiSelectHash h => h.Dictionary.Count,
                _ => 1,
            };
            if (width > 1) Product = Math.Min(Product * width, int.MaxValue);
        }
    }
}

/// <summary>A condition that could not be evaluated within its bounds, or failed; the run fails and says which.</summary>
public sealed class ConditionException(string condition, string reason) : Exception($"condition `{condition}`: {reason}")
{
    public string Condition { get; } = condition;
    public string Reason { get; } = reason;
}
