namespace NotificationService.Bench;

/// <summary>Nearest-rank percentiles over a sample of milliseconds.</summary>
public sealed class Percentiles
{
    private readonly double[] _sorted;

    public Percentiles(IEnumerable<double> values)
    {
        _sorted = values.ToArray();
        Array.Sort(_sorted);
    }

    public int Count => _sorted.Length;

    public double At(double p)
    {
        if (_sorted.Length == 0) return double.NaN;
        var rank = (int)Math.Ceiling(p / 100.0 * _sorted.Length) - 1;
        return _sorted[Math.Clamp(rank, 0, _sorted.Length - 1)];
    }

    public double P50 => At(50);
    public double P99 => At(99);
}
