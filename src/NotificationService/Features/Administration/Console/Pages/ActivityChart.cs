using System.Globalization;
using NotificationService.Features.Sending.Notifications;

namespace NotificationService.Features.Administration.Console.Pages;

/// <summary>
/// A channel's last hour as bars the server draws (an inline SVG, no script): one slot per bar, sent stacked under
/// failed, every channel on the same scale so their heights compare. A slot with anything in it is at least
/// <see cref="MinBar"/> high, so one failure among thousands of sends still shows.
/// </summary>
public sealed record ActivityChart(string Channel, IReadOnlyList<ActivityChart.Bar> Bars, string Summary)
{
    public const int Width = 240, Height = 48, MinBar = 2;
    public static readonly TimeSpan Slot = TimeSpan.FromMinutes(5);
    public const int Slots = 12;

    /// <summary>One slot: its sent and failed rectangles (height 0 when none) and a tooltip.</summary>
    public sealed record Bar(double X, double Width, double SentY, double SentHeight, double FailedY, double FailedHeight, string Title);

    public string ViewBox => $"0 0 {Width} {Height}";

    /// <param name="since">The first slot's start (an hour ago); slots follow every <see cref="Slot"/>.</param>
    public static IReadOnlyList<ActivityChart> For(IReadOnlyList<ChannelCounts> channels, IReadOnlyList<ActivitySlot> slots,
        DateTimeOffset since)
    {
        var max = Math.Max(1, slots.Count == 0 ? 0 : slots.Max(s => s.Sent + s.Failed));
        var slotWidth = (double)Width / Slots;
        return channels.Select(c =>
        {
            // Rounded: the database keeps microseconds, so a slot's start can come back a tick before since + i × slot.
            var mine = slots.Where(s => s.Channel == c.Channel).ToDictionary(s => (int)Math.Round((s.Start - since) / Slot));
            var bars = Enumerable.Range(0, Slots).Select(i =>
            {
                var s = mine.GetValueOrDefault(i);
                var (sent, failed) = (s?.Sent ?? 0, s?.Failed ?? 0);
                var sentHeight = Scaled(sent, max);
                var failedHeight = Scaled(failed, max);
                var start = since + i * Slot;
                static string Time(DateTimeOffset at) => at.UtcDateTime.ToString("HH:mm", CultureInfo.InvariantCulture);
                var title = $"{Time(start)}–{Time(start + Slot)} UTC: {sent} sent, {failed} failed";
                return new Bar(Round(i * slotWidth + 1), Round(slotWidth - 2), Height - sentHeight, sentHeight,
                    Height - sentHeight - failedHeight, failedHeight, title);
            }).ToList();
            return new ActivityChart(c.Channel, bars, $"{c.Channel}, last hour in 5-minute slots: {c.Sent} sent, {c.Failed} failed");
        }).ToList();
    }

    private static double Scaled(long count, long max) => count == 0 ? 0 : Round(Math.Max(MinBar, (Height - 4) * (double)count / max));

    private static double Round(double v) => Math.Round(v, 1);

    public static string Number(double v) => v.ToString("0.#", CultureInfo.InvariantCulture);
}
