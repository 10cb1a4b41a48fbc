using System.Text.Json.Nodes;
using FsCheck;
using FsCheck.Fluent;
using NotificationService.Workflows.Definitions;

namespace NotificationService.Workflows.Tests.Runs;

/// <summary>
/// Random valid definitions for the properties: every step kind, `when` on some steps, branches and waits nested up to
/// three deep, waits on an earlier send or on an event. Built as JSON and read by the parser, so each one is also a
/// definition the parser accepts. Conditions read `data.a`/`data.b`/`data.c`, which each run sets at random.
/// </summary>
public static class RandomWorkflows
{
    /// <summary>A step's shape before ids are given: kind 0 send, 1 delay, 2 branch, 3 wait, 4 exit.</summary>
    public sealed record Shape(int Kind, int Choice, bool HasWhen, Shape[][] Children);

    private static readonly string[] Flags = ["data.a", "data.b", "!data.c", "data.a && data.b"];

    private static Gen<Shape> ShapeGen(int depth) =>
        from kind in Gen.Frequency((5, Gen.Constant(0)), (2, Gen.Constant(1)), (depth < 3 ? 2 : 0, Gen.Constant(2)), (depth < 3 ? 3 : 0, Gen.Constant(3)), (1, Gen.Constant(4)))
        from choice in Gen.Choose(0, 99)
        from hasWhen in Gen.Frequency((3, Gen.Constant(false)), (1, Gen.Constant(true)))
        from children in kind switch
        {
            2 => Gen.Choose(1, 3).SelectMany(arms => ListsGen(depth + 1, arms + 1)),
            3 => ListsGen(depth + 1, 2),
            _ => Gen.Constant(Array.Empty<Shape[]>()),
        }
        select new Shape(kind, choice, hasWhen, children);

    private static Gen<Shape[][]> ListsGen(int depth, int count) =>
        Gen.Choose(0, 3).SelectMany(n => ShapeGen(depth).ArrayOf(n)).ArrayOf(count);

    public static Gen<WorkflowDefinition> Definitions =>
        from n in Gen.Choose(1, 6)
        from steps in ShapeGen(1).ArrayOf(n)
        select Build(steps);

    public static WorkflowDefinition Build(Shape[] steps)
    {
        var ids = 0;
        var sends = new List<string>();
        JsonArray List(IEnumerable<Shape> shapes) => [.. shapes.Select(Step)];
        JsonNode Step(Shape s)
        {
            var id = $"s{ids++}";
            var o = new JsonObject { ["id"] = id };
            if (s.HasWhen) o["when"] = Flags[s.Choice % Flags.Length];
            switch (s.Kind)
            {
                case 0:
                    o["type"] = "send";
                    o["channel"] = WorkflowLimits.Channels[s.Choice % WorkflowLimits.Channels.Length];
                    o["template"] = "t";
                    sends.Add(id);
                    break;
                case 1:
                    o["type"] = "delay";
                    o["for"] = $"PT{1 + s.Choice % 30}M";
                    break;
                case 2:
                    o["type"] = "branch";
                    o["arms"] = new JsonArray([.. s.Children.SkipLast(1).Select((arm, i) => (JsonNode)new JsonObject
                        { ["when"] = Flags[(s.Choice + i) % Flags.Length], ["steps"] = List(arm) })]);
                    o["otherwise"] = List(s.Children[^1]);
                    break;
                case 3:
                    o["type"] = "waitFor";
                    if (sends.Count > 0 && s.Choice % 4 != 0)
                    {
                        o["step"] = sends[s.Choice % sends.Count];
                        o["status"] = new JsonArray("read", "failed");
                    }
                    else o["event"] = "evt";
                    o["timeout"] = $"PT{1 + s.Choice % 50}M";
                    o["then"] = List(s.Children[0]);
                    o["onTimeout"] = List(s.Children[1]);
                    break;
                default:
                    o["type"] = "exit";
                    o["reason"] = "random exit";
                    break;
            }
            return o;
        }
        var json = new JsonObject { ["key"] = "random", ["name"] = "random", ["steps"] = List(steps) };
        var result = WorkflowParser.Parse(json);
        return result.Definition ?? throw new InvalidOperationException($"generated an invalid definition: {string.Join("; ", result.Problems)}\n{json}");
    }
}
