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
    /// beyond every base round) and so few rounds could not have fallen apart by chance: with equal builds, n and m rounds
    /// separate completely with probability 2 ÷ C(n+m, n) (a third with two rounds a side, a tenth with three, 3 % with
    /// four). Separated rounds above 5 % are reported as apart but not called; anything overlapping is "within spread".
    /// </summary>
    public static string Verdict(Spread head, Spread @base, bool lowerIsBetter)
    {
        if (head.Count == 0 || @base.Count == 0) return "";
        if (head.Count < 2 || @base.Count < 2) return "no spread (one round a side)";
        var above = head.Min > @base.Max;
        var below = head.Max < @base.Min;
        if (!above && !below) return "within spread";
        var chance = ChanceOfSeparation(head.Count, @base.Count);
        var side = above ^ lowerIsBetter ? "better" : "worse";
        return chance > 0.05
            ? $"head {side} in every round, not called (chance {chance:P0}: more rounds)"
            : $"head {side}, outside spread (chance {chance:P1})";
    }

    /// <summary>Two-sided chance that equal builds' n and m rounds fall completely apart: 2 ÷ C(n+m, n).</summary>
    public static double ChanceOfSeparation(int n, int m)
    {
        double ways = 1;
        for (var i = 1; i <= n; i++) ways = ways * (m + i) / i;
        return Math.Min(1, 2 / ways);
    }
}
