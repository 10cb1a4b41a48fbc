using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using NotificationService.Workflows.Conditions;

namespace NotificationService.Workflows.Definitions;

/// <summary>Says whether a send step's template exists for its channel (the host knows its templates): null when it does,
/// else the problem to report at the step's `template`.</summary>
public delegate string? TemplateCheck(string channel, string template);

/// <summary>
/// Reads a definition from JSON and reports every problem at its JSON path: unknown step types, properties and channels,
/// step ids not unique, conditions that do not parse, delays over 90 days, waits over 30 days, more than 10 arms, step lists
/// nested deeper than 5, a wait naming no earlier send step, and (through the host's <see cref="TemplateCheck"/>) unknown
/// templates. A definition comes back only when there is no problem.
/// </summary>
public static partial class WorkflowParser
{
    [GeneratedRegex(@"^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$")]
    public static partial Regex KeyPattern();

    [GeneratedRegex(@"^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$")]
    public static partial Regex StepIdPattern();

    [GeneratedRegex(@"^[A-Za-z0-9][A-Za-z0-9._:/-]{0,99}$")]
    public static partial Regex EventNamePattern();

    [GeneratedRegex(@"^([01]\d|2[0-3]):[0-5]\d$")]
    private static partial Regex LocalTimePattern();

    public sealed record Result(WorkflowDefinition? Definition, IReadOnlyList<WorkflowProblem> Problems);

    public static Result Parse(string json, TemplateCheck? templates = null)
    {
        JsonNode? node;
        try { node = JsonNode.Parse(json, documentOptions: new JsonDocumentOptions { MaxDepth = 64 }); }
        catch (JsonException e) { return new(null, [new("$", $"not JSON: {e.Message}")]); }
        return Parse(node, templates);
    }

    public static Result Parse(JsonNode? root, TemplateCheck? templates = null)
    {
        var reader = new Reader(templates);
        var definition = reader.Definition(root);
        return reader.Problems.Count == 0 ? new(definition, []) : new(null, reader.Problems);
    }

    private sealed partial class Reader(TemplateCheck? templates)
    {
        public readonly List<WorkflowProblem> Problems = [];
        private readonly Dictionary<string, string> _ids = new(StringComparer.Ordinal);   // id → path of its first use
        private readonly HashSet<string> _sendsSoFar = new(StringComparer.Ordinal);
        private int _count;
        private string? _category;   // the definition's, read before its steps: a digest's userSchedule needs one

        private void Problem(string path, string message) => Problems.Add(new(path, message));

        public WorkflowDefinition? Definition(JsonNode? root)
        {
            if (root is not JsonObject o) { Problem("$", "a workflow is a JSON object"); return null; }
            Known(o, "$", "key", "name", "category", "steps");
            var key = RequiredString(o, "$", "key");
            if (key is not null && !KeyPattern().IsMatch(key))
                Problem("$.key", "a key is 1 to 100 letters, digits, '.', '_' or '-', starting with a letter or digit");
            var name = RequiredString(o, "$", "name");
            if (name is { Length: > 200 }) Problem("$.name", "a name is at most 200 characters");
            var category = OptionalString(o, "$", "category");
            if (category is not null && !KeyPattern().IsMatch(category))
                Problem("$.category", "a category is a category key (letters, digits, '.', '_' or '-')");
            _category = category;
            if (o["steps"] is not JsonArray) { Problem("$.steps", "steps must be an array of steps"); return null; }
            var steps = Steps(o["steps"], "$.steps", 1);
            if (_count > WorkflowLimits.MaxSteps)
                Problem("$.steps", $"a workflow has at most {WorkflowLimits.MaxSteps} steps (this one has {_count})");
            return new WorkflowDefinition(key ?? "", name ?? "", category, steps);
        }

        private List<Step> Steps(JsonNode? node, string path, int depth)
        {
            var list = new List<Step>();
            if (node is null) return list;
            if (node is not JsonArray a) { Problem(path, "must be an array of steps"); return list; }
            if (depth > WorkflowLimits.MaxNesting && a.Count > 0)
            {
                Problem(path, $"steps nest at most {WorkflowLimits.MaxNesting} deep (branch arms and wait outcomes each add one)");
                return list;
            }
            for (var i = 0; i < a.Count; i++)
                if (Step(a[i], $"{path}[{i}]", depth) is { } s) list.Add(s);
            return list;
        }

        private Step? Step(JsonNode? node, string path, int depth)
        {
            _count++;
            if (node is not JsonObject o) { Problem(path, "a step is a JSON object"); return null; }
            var id = RequiredString(o, path, "id");
            if (id is not null)
            {
                if (!StepIdPattern().IsMatch(id))
                    Problem($"{path}.id", "a step id is 1 to 64 letters, digits, '_' or '-', starting with a letter or digit");
                else if (_ids.TryGetValue(id, out var first)) Problem($"{path}.id", $"step id '{id}' is already used at {first}");
                else _ids[id] = $"{path}.id";
            }
            var when = OptionalCondition(o, path, "when");
            var type = RequiredString(o, path, "type");
            id ??= "";
            switch (type)
            {
                case StepTypes.Send: return Send(o, path, id, when);
                case StepTypes.Delay: return Delay(o, path, id, when);
                case StepTypes.Branch: return Branch(o, path, id, when, depth);
                case StepTypes.WaitFor: return WaitFor(o, path, id, when, depth);
                case StepTypes.Digest: return Digest(o, path, id, when);
                case StepTypes.Throttle: return Throttle(o, path, id, when);
                case StepTypes.Exit:
                    Known(o, path, "id", "type", "when", "reason");
                    var reason = RequiredString(o, path, "reason");
                    if (reason is { Length: > WorkflowLimits.MaxReasonLength })
                        Problem($"{path}.reason", $"a reason is at most {WorkflowLimits.MaxReasonLength} characters");
                    return new ExitStep(id, when, reason ?? "");
                case null: return null;
                default:
                    Problem($"{path}.type", $"unknown step type '{type}'; one of {string.Join(", ", StepTypes.All)}");
                    return null;
            }
        }

        private SendStep Send(JsonObject o, string path, string id, Condition? when)
        {
            Known(o, path, "id", "type", "when", "channel", "channels", "template", "data");
            var channels = new List<string>();
            if (o.ContainsKey("channel") == o.ContainsKey("channels"))
                Problem(path, "a send step names either `channel` or `channels`");
            else if (o.ContainsKey("channel"))
            {
                if (RequiredString(o, path, "channel") is { } c) channels.Add(c);
            }
            else if (o["channels"] is JsonArray { Count: > 0 } list)
            {
                for (var i = 0; i < list.Count; i++)
                    if (list[i] is JsonValue v && v.TryGetValue<string>(out var c)) channels.Add(c);
                    else Problem($"{path}.channels[{i}]", "a channel is a string");
                if (channels.Distinct().Count() != channels.Count) Problem($"{path}.channels", "a channel is named once");
            }
            else Problem($"{path}.channels", "channels is a non-empty array of channels");
            var channelPath = o.ContainsKey("channel") ? $"{path}.channel" : $"{path}.channels";
            foreach (var c in channels.Where(c => !WorkflowLimits.Channels.Contains(c)))
                Problem(channelPath, $"unknown channel '{c}'; one of {string.Join(", ", WorkflowLimits.Channels)}");
            var template = RequiredString(o, path, "template");
            if (template is not null && templates is not null)
                foreach (var c in channels.Where(WorkflowLimits.Channels.Contains))
                    if (templates(c, template) is { } problem) Problem($"{path}.template", problem);
            JsonObject? data = null;
            if (o["data"] is { } d)
            {
                if (d is JsonObject obj) data = obj.DeepClone().AsObject();
                else Problem($"{path}.data", "data overrides are a JSON object");
            }
            _sendsSoFar.Add(id);
            return new SendStep(id, when, channels, template ?? "", data);
        }

        private DelayStep Delay(JsonObject o, string path, string id, Condition? when)
        {
            Known(o, path, "id", "type", "when", "for", "until", "untilLocalTime");
            var named = new[] { "for", "until", "untilLocalTime" }.Count(o.ContainsKey);
            if (named != 1) Problem(path, "a delay names exactly one of `for`, `until` or `untilLocalTime`");
            TimeSpan? duration = null;
            if (o.ContainsKey("for") && RequiredString(o, path, "for") is { } f)
            {
                if (!IsoDuration.TryParse(f, out var t)) Problem($"{path}.for", $"'{f}' is not {IsoDuration.Expected}");
                else if (t > WorkflowLimits.MaxDelay)
                    Problem($"{path}.for", $"a delay is at most {WorkflowLimits.MaxDelay.TotalDays:0} days");
                else if (t <= TimeSpan.Zero) Problem($"{path}.for", "a delay is longer than zero");
                else duration = t;
            }
            var until = o.ContainsKey("until") ? OptionalCondition(o, path, "until") : null;
            TimeOnly? local = null;
            if (o.ContainsKey("untilLocalTime") && RequiredString(o, path, "untilLocalTime") is { } lt)
            {
                if (LocalTimePattern().IsMatch(lt)) local = TimeOnly.ParseExact(lt, "HH:mm");
                else Problem($"{path}.untilLocalTime", "a local time is HH:mm (00:00 to 23:59)");
            }
            return new DelayStep(id, when, duration, until, local);
        }

        private BranchStep Branch(JsonObject o, string path, string id, Condition? when, int depth)
        {
            Known(o, path, "id", "type", "when", "arms", "otherwise");
            var arms = new List<BranchArm>();
            if (o["arms"] is not JsonArray { Count: > 0 } a) Problem($"{path}.arms", "a branch has 1 to 10 arms");
            else
            {
                if (a.Count > WorkflowLimits.MaxArms)
                    Problem($"{path}.arms", $"a branch has at most {WorkflowLimits.MaxArms} arms (this one has {a.Count})");
                for (var i = 0; i < a.Count; i++)
                {
                    var armPath = $"{path}.arms[{i}]";
                    if (a[i] is not JsonObject arm) { Problem(armPath, "an arm is {\"when\": …, \"steps\": […]}"); continue; }
                    Known(arm, armPath, "when", "steps");
                    var condition = arm.ContainsKey("when") ? OptionalCondition(arm, armPath, "when") : null;
                    if (!arm.ContainsKey("when")) Problem($"{armPath}.when", "an arm needs a `when` condition");
                    var steps = Steps(arm["steps"] ?? new JsonArray(), $"{armPath}.steps", depth + 1);
                    if (condition is not null) arms.Add(new BranchArm(condition, steps));
                }
            }
            var otherwise = Steps(o["otherwise"], $"{path}.otherwise", depth + 1);
            return new BranchStep(id, when, arms, otherwise);
        }

        private WaitForStep WaitFor(JsonObject o, string path, string id, Condition? when, int depth)
        {
            Known(o, path, "id", "type", "when", "step", "status", "event", "key", "timeout", "then", "onTimeout");
            string? step = null, eventName = null;
            var statuses = new List<string>();
            Condition? key = null;
            if (o.ContainsKey("step") == o.ContainsKey("event")) Problem(path, "a wait names either `step` (with `status`) or `event`");
            if (o.ContainsKey("step"))
            {
                step = RequiredString(o, path, "step");
                if (step is not null && !_sendsSoFar.Contains(step))
                    Problem($"{path}.step", $"'{step}' is not a send step before this wait");
                if (o["status"] is JsonArray { Count: > 0 } list)
                    for (var i = 0; i < list.Count; i++)
                    {
                        if (list[i] is JsonValue v && v.TryGetValue<string>(out var s) && WorkflowLimits.WaitStatuses.Contains(s))
                            statuses.Add(s);
                        else Problem($"{path}.status[{i}]",
                            $"a status to wait for is one of {string.Join(", ", WorkflowLimits.WaitStatuses)}");
                    }
                else Problem($"{path}.status", $"status is a non-empty array of {string.Join(", ", WorkflowLimits.WaitStatuses)}");
                if (o.ContainsKey("key")) Problem($"{path}.key", "a key path belongs to an event wait");
            }
            else if (o.ContainsKey("event"))
            {
                eventName = RequiredString(o, path, "event");
                if (eventName is not null && !EventNamePattern().IsMatch(eventName))
                    Problem($"{path}.event", "an event name is 1 to 100 letters, digits, '.', '_', ':', '/' or '-'");
                if (o.ContainsKey("status")) Problem($"{path}.status", "a status list belongs to a step wait");
                if (o.ContainsKey("key")) key = OptionalCondition(o, path, "key");
            }
            var timeout = TimeSpan.Zero;
            if (RequiredString(o, path, "timeout") is { } t)
            {
                if (!IsoDuration.TryParse(t, out timeout)) Problem($"{path}.timeout", $"'{t}' is not {IsoDuration.Expected}");
                else if (timeout > WorkflowLimits.MaxWait)
                    Problem($"{path}.timeout", $"a wait is at most {WorkflowLimits.MaxWait.TotalDays:0} days");
                else if (timeout <= TimeSpan.Zero) Problem($"{path}.timeout", "a timeout is longer than zero");
            }
            var then = Steps(o["then"], $"{path}.then", depth + 1);
            var onTimeout = Steps(o["onTimeout"], $"{path}.onTimeout", depth + 1);
            return new WaitForStep(id, when, step, statuses, eventName, key, timeout, then, onTimeout);
        }

        private void Known(JsonObject o, string path, params string[] names)
        {
            foreach (var p in o.Select(p => p.Key).Where(k => !names.Contains(k)))
                Problem($"{path}.{p}", $"unknown property; here: {string.Join(", ", names)}");
        }

        private string? RequiredString(JsonObject o, string path, string name)
        {
            if (o[name] is JsonValue v && v.TryGetValue<string>(out var s) && s.Length > 0) return s;
            Problem($"{path}.{name}", o.ContainsKey(name) ? $"{name} must be a non-empty string" : $"{name} is required");
            return null;
        }

        private string? OptionalString(JsonObject o, string path, string name)
        {
            if (!o.ContainsKey(name) || o[name] is null) return null;
            if (o[name] is JsonValue v && v.TryGetValue<string>(out var s) && s.Length > 0) return s;
            Problem($"{path}.{name}", $"{name} must be a non-empty string");
            return null;
        }

        private Condition? OptionalCondition(JsonObject o, string path, string name)
        {
            if (!o.ContainsKey(name)) return null;
            if (RequiredString(o, path, name) is not { } text) return null;
            if (Condition.TryParse(text, out var c, out var error)) return c;
            Problem($"{path}.{name}", error!);
            return null;
        }
    }
}
