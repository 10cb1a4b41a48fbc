namespace NotificationService.Bench;

/// <summary>One figure over rounds: its least, middle and greatest value and how far apart they are (max ÷ min).</summary>
public sealed record Spread(double Min, double Median, double Max, int Count)
{
    public double MaxOverMin => Min > 0 ? Max / Min : double.NaN;

    public static Spread Of(IEnumerable<double> values)
    {
        var v = values.Where(double.IsFinite).Order().ToArray();
        if (v.Length == 0) return new(double.NaN, double.NaN, double.NaN, 0);
        var median = v.Length % 2 == 1 ? v[v.Length / 2] : (v[v.Length / 2 - 1] + v[v.Length / 2]) / 2;
        return new(v[0], median, v[^1], v.Length);
    }

    /// <summary>
    /// Head against base: a difference counts only when the two builds' rounds do not overlap at all (every head round
    /// beyond every base round); anything less is "within spread", however far apart the medians. One round a side has
    /// no spread to judge by, so it is never called either way.
    /// </summary>
    public static string Verdict(Spread head, Spread @base, bool lowerIsBetter)
    {
        if (head.Count == 0 || @base.Count == 0) return "";
        if (head.Count < 2 || @base.Count < 2) return "no spread (one round a side)";
        var above = head.Min > @base.Max;
        var below = head.Max < @base.Min;
        if (!above && !below) return "within spread";
        return above ^ lowerIsBetter ? "head better, outside spread" : "head worse, outside spread";
    }
}
