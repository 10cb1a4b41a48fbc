using System.Text;
using System.Text.Encodings.Web;
using NotificationService.Infrastructure;
using NotificationService.Workflows.Runs;

namespace NotificationService.Features.People.Preferences;

/// <summary>
/// The hosted preferences page's digest choices, without script: per category a cadence (none: as the app sends them), a
/// day and a local time, always shown; the day counts for `weekly` only and the time for `daily` and `weekly`.
/// </summary>
public static class DigestCadenceForm
{
    private static readonly (string Value, string Label)[] Cadences =
        [("", "As the app sends them"), (DigestCadence.Immediate, "Each at once"), (DigestCadence.Hourly, "Hourly"),
            (DigestCadence.Daily, "Daily"), (DigestCadence.Weekly, "Weekly")];

    private static readonly string[] DayLabels = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"];

    public static string Fields(IReadOnlyList<Category> choosable, StoredPreferences own)
    {
        var html = new StringBuilder("<fieldset><legend>Digests: how often</legend>");
        foreach (var (c, i) in choosable.Select((c, i) => (c, i)))
        {
            var chosen = own.DigestSettings.GetValueOrDefault(c.Key);
            html.Append($"<p><label for=\"dg{i}\">{H(c.Name)}</label> <select id=\"dg{i}\" name=\"{H(Name("digest", c.Key))}\">");
            foreach (var (value, label) in Cadences)
                html.Append($"<option value=\"{value}\"{((chosen?.Cadence ?? "") == value ? " selected" : "")}>{label}</option>");
            html.Append($"</select> <select name=\"{H(Name("digestDay", c.Key))}\" aria-label=\"{H(c.Name)}: day (weekly)\">");
            for (var d = 0; d < 7; d++)
            {
                var day = DigestCadence.DayNames[(d + 1) % 7];   // Monday first
                html.Append(
                    $"<option value=\"{day}\"{((chosen?.Day ?? "mon") == day ? " selected" : "")}>{DayLabels[(d + 1) % 7]}</option>");
            }
            html.Append($"</select> <input type=\"time\" name=\"{H(Name("digestAt", c.Key))}\" value=\"{H(chosen?.At ?? "09:00")}\"")
                .Append($" aria-label=\"{H(c.Name)}: time (daily, weekly)\"></p>");
        }
        return html.Append("</fieldset>").ToString();
    }

    /// <summary>The cadences the form chose, over <paramref name="own"/>'s; a cadence without its time or day is a 400.</summary>
    public static Dictionary<string, DigestCadenceDto> Read(IFormCollection form, IReadOnlyList<Category> choosable, StoredPreferences own)
    {
        var digests = new Dictionary<string, DigestCadenceDto>(own.DigestSettings, StringComparer.Ordinal);
        foreach (var c in choosable)
        {
            var kind = form[Name("digest", c.Key)].ToString();
            if (kind.Length == 0) { digests.Remove(c.Key); continue; }
            var at = kind is DigestCadence.Daily or DigestCadence.Weekly ? form[Name("digestAt", c.Key)].ToString() : null;
            var day = kind == DigestCadence.Weekly ? form[Name("digestDay", c.Key)].ToString() : null;
            if (DigestCadence.Parse(kind, at, day, out var problems) is null)
                throw new RequestValidationException(problems.ToDictionary(p => $"digests.{c.Key}.{p.Key}", p => new[] { p.Value }), 400,
                    $"{c.Name}: " + string.Join(" ", problems.Values));
            digests[c.Key] = new DigestCadenceDto { Cadence = kind, At = at, Day = day };
        }
        return digests;
    }

    private static string Name(string field, string category) => $"{field}:{category}";

    private static string H(string s) => HtmlEncoder.Default.Encode(s);
}
