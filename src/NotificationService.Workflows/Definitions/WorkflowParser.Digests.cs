using System.Text.Json.Nodes;
using Cronos;
using NotificationService.Workflows.Conditions;

namespace NotificationService.Workflows.Definitions;

public static partial class WorkflowParser
{
    private sealed partial class Reader
    {
        private DigestStep Digest(JsonObject o, string path, string id, Condition? when)
        {
            Known(o, path, "id", "type", "when", "key", "window", "maxEvents", "keep", "userSchedule");
            var key = OptionalCondition(o, path, "key");
            var window = Window(o["window"], $"{path}.window");
            var maxEvents = WorkflowLimits.DefaultDigestEvents;
            if (o.ContainsKey("maxEvents"))
                maxEvents = Count(o["maxEvents"], $"{path}.maxEvents", 1, WorkflowLimits.MaxDigestEvents, "maxEvents") ?? maxEvents;
            var keep = DigestKeep.Default;
            if (o.ContainsKey("keep"))
            {
                if (o["keep"] is not JsonObject k) Problem($"{path}.keep", "keep is {\"first\": N, \"last\": N}");
                else
                {
                    Known(k, $"{path}.keep", "first", "last");
                    var max = WorkflowLimits.MaxDigestKeep;
                    keep = new DigestKeep(
                        k.ContainsKey("first") ? Count(k["first"], $"{path}.keep.first", 0, max, "keep.first") ?? 0 : 0,
                        k.ContainsKey("last") ? Count(k["last"], $"{path}.keep.last", 0, max, "keep.last") ?? 0 : 0);
                }
            }
            var userSchedule = false;
            if (o.ContainsKey("userSchedule"))
            {
                if (o["userSchedule"] is JsonValue v && v.TryGetValue<bool>(out var b)) userSchedule = b;
                else Problem($"{path}.userSchedule",
                    "userSchedule is true (the recipient's digest cadence for the workflow's category replaces the window) or false");
                if (userSchedule && _category is null)
                    Problem($"{path}.userSchedule",
                        "the recipient's cadence is a preference of a category: give the workflow a `category`");
            }
            return new DigestStep(id, when, key, window ?? new DigestWindow.Fixed(TimeSpan.FromHours(1)), maxEvents, keep, userSchedule);
        }

        private DigestWindow? Window(JsonNode? node, string path)
        {
            if (node is not JsonObject w)
            {
                Problem(path, $"a window is an object naming one of {string.Join(", ", DigestWindow.Kinds)}");
                return null;
            }
            var kinds = w.Select(p => p.Key).Where(k => k != "max").ToList();
            if (kinds.Count != 1)
            {
                Problem(path, $"a window names exactly one of {string.Join(", ", DigestWindow.Kinds)}");
                return null;
            }
            var kind = kinds[0];
            if (w.ContainsKey("max") && kind != "sliding") Problem($"{path}.max", "`max` bounds a sliding window only");
            switch (kind)
            {
                case "fixed": return Length(w, path, "fixed") is { } f ? new DigestWindow.Fixed(f) : null;
                case "backoff": return Length(w, path, "backoff") is { } b ? new DigestWindow.Backoff(b) : null;
                case "sliding":
                    var quiet = Length(w, path, "sliding");
                    if (!w.ContainsKey("max")) { Problem($"{path}.max", "a sliding window is bounded by `max` (a duration)"); return null; }
                    var max = Length(w, path, "max");
                    if (quiet is null || max is null) return null;
                    if (max < quiet) { Problem($"{path}.max", "`max` is at least the sliding length"); return null; }
                    return new DigestWindow.Sliding(quiet.Value, max.Value);
                case "scheduled": return Schedule(w, path);
                default:
                    Problem($"{path}.{kind}", $"unknown window kind '{kind}'; one of {string.Join(", ", DigestWindow.Kinds)}");
                    return null;
            }
        }

        private TimeSpan? Length(JsonObject o, string path, string name)
        {
            if (RequiredString(o, path, name) is not { } text) return null;
            if (!IsoDuration.TryParse(text, out var t)) Problem($"{path}.{name}", $"'{text}' is not {IsoDuration.Expected}");
            else if (t > WorkflowLimits.MaxDigestWindow)
                Problem($"{path}.{name}", $"a window is at most {WorkflowLimits.MaxDigestWindow.TotalDays:0} days");
            else if (t <= TimeSpan.Zero) Problem($"{path}.{name}", "a window is longer than zero");
            else return t;
            return null;
        }

        /// <summary>A five-field cron expression that fires, and at least once every <see cref="WorkflowLimits.MaxScheduleGap"/>
        /// (checked over a year of occurrences: a cron that never fires, or fires on 30 February only, is refused here).</summary>
        private DigestWindow? Schedule(JsonObject o, string path)
        {
            if (RequiredString(o, path, "scheduled") is not { } text) return null;
            CronExpression cron;
            try { cron = CronExpression.Parse(text, CronFormat.Standard); }
            catch (CronFormatException e)
            {
                Problem($"{path}.scheduled", $"not a cron expression (minute hour day month weekday): {e.Message}");
                return null;
            }
            var at = new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc);
            var end = at.AddYears(1);
            for (var first = true; at < end; first = false)
            {
                var next = cron.GetNextOccurrence(at);
                if (next is null || next.Value - at > WorkflowLimits.MaxScheduleGap)
                {
                    Problem($"{path}.scheduled", next is null && first
                        ? $"the cron expression '{text}' never fires"
                        : $"the cron expression '{text}' must fire at least every {WorkflowLimits.MaxScheduleGap.TotalDays:0} days");
                    return null;
                }
                at = next.Value;
            }
            return new DigestWindow.Scheduled(cron, text);
        }

        private ThrottleStep Throttle(JsonObject o, string path, string id, Condition? when)
        {
            Known(o, path, "id", "type", "when", "key", "limit", "window", "onLimit");
            var key = OptionalCondition(o, path, "key");
            var limit = Count(o["limit"], $"{path}.limit", 1, WorkflowLimits.MaxThrottleLimit, "limit") ?? 1;
            var window = Length(o, path, "window") ?? TimeSpan.FromHours(1);
            var delay = false;
            if (OptionalString(o, path, "onLimit") is { } onLimit)
            {
                if (onLimit is not ("skip" or "delay"))
                    Problem($"{path}.onLimit",
                        "onLimit is `skip` (the run ends throttled; the default) or `delay` (it waits for the next window)");
                delay = onLimit == "delay";
            }
            return new ThrottleStep(id, when, key, limit, window, delay);
        }

        private int? Count(JsonNode? node, string path, int min, int max, string name)
        {
            if (node is JsonValue v && v.TryGetValue<int>(out var n) && n >= min && n <= max) return n;
            Problem(path,
                $"{name} is a whole number from {min} to {max.ToString("N0", System.Globalization.CultureInfo.InvariantCulture)}");
            return null;
        }
    }
}
