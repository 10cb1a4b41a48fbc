using NotificationService.Templates.Helpers;

namespace NotificationService.Templates.Analysis;

/// <summary>The walk over one source's tags: a stack of open blocks, the current scope, and whether the
/// current position only renders conditionally (inside #if/#unless/#each or an else branch). It also counts the
/// levels open here from the outermost part down through the partial calls (<paramref name="baseDepth"/>): a source
/// within <see cref="TemplateLimits.MaxBlockDepth"/> on its own can still nest too deep inside the blocks that call it.</summary>
internal sealed class SourceWalk(TemplateAnalyzer analyzer, string part, string source, Scope scope, bool conditional,
    IReadOnlyList<string> partialStack, HashSet<string> inlinePartials, bool isLayout, int baseDepth)
{
    private sealed record Frame(string Name, Tag Tag, Scope ScopeAtOpen, bool ConditionalAtOpen);

    private readonly Stack<Frame> open = new();
    private readonly Stack<int> levels = new(); // per open block: 1, plus one per chained else
    private Scope scope = scope;
    private bool conditional = conditional;
    private int depth = baseDepth;
    private bool depthReported;

    public void Visit(Tag tag)
    {
        CompileBudget.Check();
        if (tag.Kind == TagKind.Comment) return;
        if (tag.Kind == TagKind.Close) { Close(tag); return; }
        ParsedExpression expression;
        try { expression = ExpressionParser.Parse(tag.Body); }
        catch (FormatException e) { Error(tag, e.Message); return; }
        switch (tag.Kind)
        {
            case TagKind.Expression or TagKind.Ampersand: Expression(tag, expression); break;
            case TagKind.BlockOpen: BlockOpen(tag, expression); break;
            case TagKind.InverseOpen:
                Open(tag, Name(expression), conditionalBody: true); Arguments(expression.Items, optional: true); break;
            case TagKind.Else: Else(tag, expression); break;
            case TagKind.Partial: Partial(tag, expression, isBlock: false); break;
            case TagKind.PartialBlockOpen: Partial(tag, expression, isBlock: true); break;
            case TagKind.RawBlock: RawBlock(tag, expression); break;
            case TagKind.InlinePartialOpen:
                if (Name(expression) != "inline") Error(tag, $"Decorator '*{Name(expression)}' is not supported; only *inline is.");
                Open(tag, "inline", conditionalBody: true);
                break;
        }
    }

    public void Finish()
    {
        foreach (var frame in open) Error(frame.Tag, $"'{{{{#{frame.Name}}}}}' is never closed: expected '{{{{/{frame.Name}}}}}'.");
    }

    private void Expression(Tag tag, ParsedExpression e)
    {
        if (e.Items.Count == 0) { Error(tag, "Empty expression."); return; }
        if (e.Items[0] is not PathNode callee) { Arguments(e.Items, optional: false); return; }
        var isCall = e.Items.Count > 1 || e.Hash.Count > 0;
        if (HelperCatalog.BuiltInBlockHelpers.Contains(callee.Path))
            Error(tag, $"'{callee.Path}' is a block helper: use '{{{{#{callee.Path} …}}}}…{{{{/{callee.Path}}}}}'.");
        else if (TemplateAnalyzer.IsKnownHelper(callee.Path)) HelperCall(callee.Path, e, optional: false, tag);
        else if (isCall) Error(tag, $"Unknown helper '{callee.Path}'.");
        else if (BlockParamNames.IsReserved(callee.Path)) Error(tag, BlockParamNames.ReservedMessage);
        else if (!(isLayout && callee.Path == "body")) analyzer.Variable(scope.Resolve(callee.Path), !conditional);
    }

    private void HelperCall(string name, ParsedExpression e, bool optional, Tag tag)
    {
        for (var i = 1; i < e.Items.Count; i++)
            Argument(e.Items[i], optional || (name == "default" && i == 1), tag);
        foreach (var (_, value) in e.Hash) Argument(value, optional, tag);
    }

    private void Arguments(IEnumerable<Node> nodes, bool optional, Tag? tag = null)
    {
        foreach (var node in nodes) Argument(node, optional, tag);
    }

    private void Argument(Node node, bool optional, Tag? tag)
    {
        switch (node)
        {
            case PathNode path:
                if (BlockParamNames.IsReserved(path.Path)) Error(tag, BlockParamNames.ReservedMessage);
                analyzer.Variable(scope.Resolve(path.Path), !optional && !conditional);
                break;
            case SubExpressionNode { Expression: var sub }:
                var name = Name(sub);
                if (name is null || !TemplateAnalyzer.IsKnownHelper(name) || HelperCatalog.BuiltInBlockHelpers.Contains(name))
                    Error(tag, $"Unknown helper '{name}' in subexpression.");
                else HelperCall(name, sub, optional, tag!);
                break;
        }
    }

    private void BlockOpen(Tag tag, ParsedExpression e)
    {
        var name = Name(e);
        var argument = e.Items.Count > 1 ? e.Items[1] : null;
        switch (name)
        {
            case "if" or "unless":
                Open(tag, name, conditionalBody: true);
                Arguments(e.Items.Skip(1), optional: true, tag);
                return;
            case "each" or "with":
                Open(tag, name, conditionalBody: name == "each");
                scope = Enter(name, argument, e, tag);
                return;
        }
        if (IsSection(e, out var section))
        {
            // {{#name}}…{{/name}}: a Mustache section over the value (MustacheSection renders it). Whether it
            // iterates or enters depends on the data, so paths inside are not listed, but ../ still counts it.
            Argument(e.Items[0], optional: true, tag);
            Open(tag, section, conditionalBody: true);
            scope = scope.Child(null);
            return;
        }
        Open(tag, name ?? "?", conditionalBody: true);
        if (name is not null && TemplateAnalyzer.IsKnownHelper(name))
            Error(tag, $"'{name}' is not a block helper; use it as a value, e.g. '{{{{#if ({name} …)}}}}'.");
        else Error(tag, $"Unknown block helper '{name}'; use #if, #unless, #each or #with.");
    }

    /// <summary>The scope inside #each/#with (or {{else each/with}}) over the argument, with its block params.</summary>
    private Scope Enter(string name, Node? argument, ParsedExpression e, Tag tag)
    {
        Argument(argument ?? new LiteralNode(""), optional: false, tag);
        var target = argument is PathNode p ? scope.Resolve(p.Path) : null;
        var inner = name == "each" && target is not null ? target + "[]" : target;
        var blockParams = new Dictionary<string, string?>(StringComparer.Ordinal);
        if (e.BlockParams.Count > 0) blockParams[e.BlockParams[0]] = inner;
        foreach (var data in e.BlockParams.Skip(1)) blockParams[data] = null; // @index/@key alias
        return scope.Child(inner, blockParams);
    }

    /// <summary>A block that names a value rather than calls a helper: one path or literal that is not a helper, no arguments.</summary>
    private static bool IsSection(ParsedExpression e, out string name)
    {
        name = e.Items.FirstOrDefault() switch { PathNode p => p.Path, LiteralNode l => l.Text, _ => "" };
        return e.Items.Count == 1 && e.Hash.Count == 0 && name.Length > 0 && !TemplateAnalyzer.IsKnownHelper(name);
    }

    /// <summary>{{{{raw}}}}…{{{{/raw}}}} prints its content as written (<see cref="RawBlockRewriter"/>); any other
    /// name is, as in handlebars.js without such a helper, a section over that value with the content as its text.</summary>
    private void RawBlock(Tag tag, ParsedExpression e)
    {
        if (e.Items.Count == 1 && e.Hash.Count == 0 && Name(e) == RawBlockRewriter.LiteralName) return;
        if (IsSection(e, out _) && e.BlockParams.Count == 0) { Argument(e.Items[0], optional: true, tag); return; }
        Error(tag, $"Unknown helper '{Name(e)}' in a raw block; "
            + $"'{{{{{{{{{RawBlockRewriter.LiteralName}}}}}}}}}…{{{{{{{{/{RawBlockRewriter.LiteralName}}}}}}}}}' "
            + $"prints its content as written.");
    }

    private void Else(Tag tag, ParsedExpression e)
    {
        if (open.Count == 0) { Error(tag, "'{{else}}' outside a block."); return; }
        scope = open.Peek().ScopeAtOpen; // else of #each/#with renders in the outer context
        conditional = true;
        if (e.Items.Count == 0) return;
        if (levels.Count > 0) { levels.Push(levels.Pop() + 1); Deeper(tag); }
        // A chained block ({{else with b}}, {{else each l}}, {{else section}}) renders its body like the block
        // it names; the outer block's close ends it (ElseChains writes it out for Handlebars.Net).
        switch (Name(e))
        {
            case "if" or "unless": Arguments(e.Items.Skip(1), optional: true, tag); return;
            case "each": scope = Enter("each", e.Items.ElementAtOrDefault(1), e, tag); return;
            case "with": scope = Enter("with", e.Items.ElementAtOrDefault(1), e, tag); return;
        }
        if (IsSection(e, out _)) { Argument(e.Items[0], optional: true, tag); scope = scope.Child(null); return; }
        Error(tag, $"Unknown block helper '{Name(e)}' in '{{{{else …}}}}'; chain #if, #unless, #each, #with or a section.");
    }

    private void Close(Tag tag)
    {
        var name = tag.Body.Trim();
        if (name.Length > 1 && name[0] is '"' or '\'' && name[^1] == name[0]) name = name[1..^1]; // {{/"foo"}} closes {{#"foo"}}
        if (open.Count == 0) { Error(tag, $"'{{{{/{name}}}}}' closes a block that was never opened."); return; }
        var frame = open.Pop();
        if (levels.Count > 0) depth -= levels.Pop();
        if (frame.Name != name && !(frame.Name == "inline" && name == "inline"))
        {
            var (line, column) = MustacheScanner.Position(source, frame.Tag.Offset);
            Error(tag, $"'{{{{/{name}}}}}' does not match '{{{{#{frame.Name}}}}}' opened at line {line}, column {column}.");
        }
        scope = frame.ScopeAtOpen;
        conditional = frame.ConditionalAtOpen;
    }

    private void Partial(Tag tag, ParsedExpression e, bool isBlock)
    {
        var name = TemplateAnalyzer.PartialName(e);
        if (name is null && !isBlock && e.Items.FirstOrDefault() is SubExpressionNode)
        {
            DynamicPartial(tag, e);
            return;
        }
        if (name is null) { Error(tag, "A partial block's name must be written out; '{{> (…)}}' computes a partial's name."); return; }
        var partialScope = PartialArguments(tag, e);
        if (isBlock) Open(tag, name, conditionalBody: true);
        if (name == "@partial-block" || inlinePartials.Contains(name)) return;
        var callDepth = isBlock ? depth : depth + 1; // a partial block is already a level of its own
        if (!PartialFits(tag, callDepth)) return;
        analyzer.CallPartial(part, source, tag, name, partialScope.PartialRoot(), conditional, partialStack,
            fallbackAllowed: isBlock, inlinePartials, callDepth);
    }

    /// <summary>A partial renders one level below its call; past the limit its own blocks are not walked.</summary>
    private bool PartialFits(Tag tag, int callDepth)
    {
        if (callDepth <= TemplateLimits.MaxBlockDepth) return true;
        Report(tag);
        return false;
    }

    /// <summary><c>{{&gt; (lookup . 'kind') context key=value}}</c>: the name comes from a helper subexpression at render time.</summary>
    private void DynamicPartial(Tag tag, ParsedExpression e)
    {
        Argument(e.Items[0], optional: true, tag);
        var partialScope = PartialArguments(tag, e).PartialRoot();
        if (PartialFits(tag, depth + 1)) analyzer.CallDynamicPartial(partialScope, partialStack, inlinePartials, depth + 1);
    }

    /// <summary>A partial call's arguments after its name (context, then hash values) are variables the template reads;
    /// returns the scope the partial renders in: the context argument's when there is one.</summary>
    private Scope PartialArguments(Tag tag, ParsedExpression e)
    {
        Arguments(e.Items.Skip(2), optional: false, tag);
        foreach (var (_, value) in e.Hash) Argument(value, optional: false, tag);
        if (e.Items.Count < 2) return scope;
        Argument(e.Items[1], optional: false, tag);
        return scope.Child(e.Items[1] is PathNode p ? scope.Resolve(p.Path) : null);
    }

    private void Open(Tag tag, string? name, bool conditionalBody)
    {
        open.Push(new Frame(name ?? "?", tag, scope, conditional));
        conditional |= conditionalBody;
        levels.Push(1);
        Deeper(tag);
    }

    private void Deeper(Tag tag)
    {
        if (++depth > TemplateLimits.MaxBlockDepth) Report(tag);
    }

    private void Report(Tag tag)
    {
        if (depthReported) return;
        depthReported = true;
        analyzer.LimitError(part, source, tag.Offset, "depth", TemplateBounds.DepthMessage(partials: true));
    }

    private static string? Name(ParsedExpression e) => e.Items.FirstOrDefault() is PathNode p ? p.Path : null;

    private void Error(Tag? tag, string message) => analyzer.Error(part, source, tag?.Offset ?? 0, message);
}
