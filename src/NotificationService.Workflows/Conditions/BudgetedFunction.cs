using DevLab.JmesPath;
using DevLab.JmesPath.Functions;
using DevLab.JmesPath.Interop;
using Newtonsoft.Json.Linq;

namespace NotificationService.Workflows.Conditions;

/// <summary>
/// A built-in JMESPath function under the evaluation's budget: a step per call, the size of what it returns charged, and
/// for the functions whose output can be far larger than their input (`join`: the separator once per item, so nested joins
/// multiply; `pad_left`/`pad_right`: any width; `replace`: the replacement once per match) the size charged before it is
/// built. JmesPath.Net keeps one instance of each function per engine and some keep their arguments in fields between
/// Validate and Execute (pad_left, split): each call gets a fresh instance, so concurrent evaluations never see each
/// other's arguments.
/// </summary>
internal sealed class BudgetedFunction(JmesPathFunction builtIn)
    : JmesPathFunction(builtIn.Name, builtIn.MinArgumentCount, builtIn.MaxArgumentCount, builtIn.Variadic, builtIn.Scopes)
{
    private readonly Type _type = builtIn.GetType();

    /// <summary>Replaces every function <paramref name="engine"/> knows with its budgeted self.</summary>
    public static JmesPath Install(JmesPath engine)
    {
        var known = (IFunctionRepository)engine.FunctionRepository;
        foreach (var name in known.Names.ToList())
            engine.FunctionRepository.Register(name, new BudgetedFunction(known[name]));
        return engine;
    }

    // The arguments are checked by the fresh instance that executes the call (this one is shared).
    public override void Validate(params JmesPathFunctionArgument[] args) { }

    public override JToken Execute(params JmesPathFunctionArgument[] args)
    {
        ConditionBudget.Step();
        var call = (JmesPathFunction)Activator.CreateInstance(_type)!;
        call.Validate(args);
        var predicted = Predicted(args);
        if (predicted is { } chars) ConditionBudget.ChargeChars(chars);
        var result = call.Execute(args);
        if (predicted is null) ConditionBudget.Charge(result);
        return result;
    }

    /// <summary>The size of the result, for the functions that can make it far larger than their arguments.</summary>
    private long? Predicted(JmesPathFunctionArgument[] args)
    {
        switch (Name)
        {
            case "join":
                var items = (JArray)args[1].Token;
                var separator = args[0].Token.Value<string>()!.Length;
                return (long)separator * Math.Max(0, items.Count - 1) + items.Sum(i => (long)i.Value<string>()!.Length);
            case "pad_left" or "pad_right":
                return Math.Max(args[0].Token.Value<string>()!.Length, (long)args[1].Token.Value<double>());
            case "replace":
                var text = args[0].Token.Value<string>()!;
                var (old, with) = (args[1].Token.Value<string>()!, args[2].Token.Value<string>()!);
                long matches = 0;
                if (old.Length > 0)
                    for (var at = text.IndexOf(old, StringComparison.Ordinal); at >= 0;
                         at = text.IndexOf(old, at + old.Length, StringComparison.Ordinal))
                        matches++;
                if (args.Length > 3) matches = Math.Min(matches, (long)args[3].Token.Value<double>());
                return text.Length + matches * Math.Max(0, with.Length - old.Length);
            default:
                return null;
        }
    }
}
