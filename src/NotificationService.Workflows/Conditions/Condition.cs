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
/// Bounded in time and output. JMESPath has no loops or recursion: a projection's output is at most its input, so what can
/// grow is a multi-select (`[@, @]` doubles what it reads, and piping it into itself again doubles again). So: the
/// expression is at most <see cref="MaxLength"/> characters, the product of its multi-selects' widths is at most
/// <see cref="MaxAmplification"/> (checked on the parsed tree), and the context is bounded by the host (data ≤ 256 KB,
/// profile ≤ 16 KB): together they bound the work and the output of any evaluation (JmesPath.Net has no cancellation or
/// time limit of its own, and a wall clock on a shared machine would fail good conditions at random). A result larger than
/// <see cref="MaxResultChars"/> is an error.
/// </summary>
public sealed class Condition
{
    public const int MaxLength = 1000;
    public const int MaxAmplification = 64;
    public const int MaxResultChars = 64 * 1024;

    private static readonly JmesPath Engine = new();
    private readonly JmesPathExpression _expression;

    private Condition(string text, JmesPathExpression expression)
    {
        Text = text;
        _expression = expression;
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

    /// <summary>The expression's result over <paramref name="context"/>; throws <see cref="ConditionException"/> when it fails or its
    /// result is past the output bound.</summary>
    public JToken Evaluate(JToken context)
    {
        JToken result;
        try { result = _expression.Transform(context).AsJToken() ?? JValue.CreateNull(); }
        catch (Exception e) { throw new ConditionException(Text, e.Message); }
        if (result.ToString(Newtonsoft.Json.Formatting.None).Length > MaxResultChars)
            throw new ConditionException(Text, $"its result is larger than {MaxResultChars} characters");
        return result;
    }

    /// <summary>Whether the result is truthy (JMESPath: not null, false, empty string, empty array or empty object).</summary>
    public bool Holds(JToken context) => Truthy(Evaluate(context));

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
