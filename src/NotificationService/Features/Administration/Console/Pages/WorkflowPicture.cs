using System.Text;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Html;
using NotificationService.Workflows.Definitions;

namespace NotificationService.Features.Administration.Console.Pages;

/// <summary>
/// A workflow drawn by the server as nested HTML lists: steps flow down (CSS draws the connectors), a branch's arms and a
/// wait's `then`/`on timeout` sit side by side under it. No script and no layout engine: the nesting is the layout, so
/// it reads the same to a screen reader (lists within lists) as it looks. Given a run's step states, each box says what
/// the run did there (in words as well as colour).
/// </summary>
public static class WorkflowPicture
{
    public static IHtmlContent Draw(WorkflowDefinition definition, IReadOnlyDictionary<string, string>? states = null)
    {
        var html = new StringBuilder();
        Flow(html, definition.Steps, states, $"Steps of {definition.Name}");
        return new HtmlString(html.ToString());
    }

    private static void Flow(StringBuilder html, IReadOnlyList<Step> steps, IReadOnlyDictionary<string, string>? states, string label)
    {
        if (steps.Count == 0) { html.Append("<p class=\"wf-none\">no steps</p>"); return; }
        html.Append("<ol class=\"wf-flow\" aria-label=\"").Append(E(label)).Append("\">");
        foreach (var step in steps)
        {
            var state = states?.GetValueOrDefault(step.Id);
            html.Append("<li class=\"wf-step wf-").Append(step.Type).Append(state is null ? "" : " wf-state-" + E(state))
                .Append("\" data-step=\"").Append(E(step.Id)).Append("\"><div class=\"wf-box\">")
                .Append("<span class=\"wf-kind\">").Append(step.Type).Append("</span> <strong>").Append(E(step.Id)).Append("</strong>")
                .Append("<span class=\"wf-what\">").Append(E(Describe(step))).Append("</span>");
            if (step.When is { } when) html.Append("<span class=\"wf-when\">when <code>").Append(E(when.Text)).Append("</code></span>");
            if (state is not null) html.Append("<span class=\"wf-state\">run: ").Append(E(state.Replace('_', ' '))).Append("</span>");
            html.Append("</div>");
            var arms = Arms(step);
            if (arms.Count > 0)
            {
                html.Append("<div class=\"wf-arms\">");
                foreach (var (armLabel, armSteps) in arms)
                {
                    html.Append("<div class=\"wf-arm\"><p class=\"wf-arm-label\">").Append(E(armLabel)).Append("</p>");
                    Flow(html, armSteps, states, $"{step.Id}: {armLabel}");
                    html.Append("</div>");
                }
                html.Append("</div>");
            }
            html.Append("</li>");
        }
        html.Append("</ol>");
    }

    private static List<(string Label, IReadOnlyList<Step> Steps)> Arms(Step step) => step switch
    {
        BranchStep b => [.. b.Arms.Select(a => ($"when {a.When.Text}", a.Steps)), ("otherwise", b.Otherwise)],
        WaitForStep w => [($"then ({(w.Event is { } e ? "event " + e : string.Join(", ", w.Statuses))})", w.Then),
            ($"on timeout ({IsoDuration.Format(w.Timeout)})", w.OnTimeout)],
        _ => [],
    };

    private static string Describe(Step step) => step switch
    {
        SendStep s => $"{string.Join(", ", s.Channels)} · {s.Template}",
        DelayStep { For: { } f } => $"for {IsoDuration.Format(f)}",
        DelayStep { Until: { } u } => $"until {u.Text}",
        DelayStep { UntilLocalTime: { } t } => $"until {t:HH\\:mm} in the recipient's zone",
        WaitForStep { Event: { } e } w =>
            $"event {e}{(w.Key is { } k ? $" with key {k.Text}" : "")}, at most {IsoDuration.Format(w.Timeout)}",
        WaitForStep w => $"step {w.SendStep} {string.Join(" or ", w.Statuses)}, at most {IsoDuration.Format(w.Timeout)}",
        BranchStep b => $"{b.Arms.Count} arm(s) and otherwise",
        ExitStep x => x.Reason,
        DigestStep d => $"{d.Window.Describe()} per recipient{(d.Key is { } k ? $" and {k.Text}" : "")}, at most {d.MaxEvents} events",
        ThrottleStep t => $"at most {t.Limit} per {IsoDuration.Format(t.Window)} per recipient{(t.Key is { } k ? $" and {k.Text}" : "")}" +
                          (t.Delay ? "; the rest wait for the next window" : "; the rest end throttled"),
        _ => "",
    };

    private static string E(string text) => HtmlEncoder.Default.Encode(text);
}
