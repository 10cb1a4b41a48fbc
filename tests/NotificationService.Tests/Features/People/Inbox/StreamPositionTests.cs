using System.Text;
using NotificationService.Features.People.Inbox;

namespace NotificationService.Tests.Features.People.Inbox;

/// <summary>A stream's event id is written as UTF-8 straight into the response (SseFrames): the same text as the id a
/// client sends back in Last-Event-ID, which <see cref="StreamPosition.Parse"/> reads.</summary>
public class StreamPositionTests
{
    [Theory]
    [InlineData(0L, 0L, "0")]
    [InlineData(12L, 0L, "12")]            // a tenant without topic events: ids as they always were
    [InlineData(12L, 7L, "12.7")]
    [InlineData(0L, 3L, "0.3")]
    [InlineData(long.MaxValue, long.MaxValue, "9223372036854775807.9223372036854775807")]
    public void The_UTF8_id_is_the_text_id_and_parses_back(long own, long topic, string expected)
    {
        var position = new StreamPosition(own, topic);
        var buffer = new byte[StreamPosition.MaxUtf8Length];
        Assert.True(position.TryFormat(buffer, out var written));
        Assert.Equal(expected, Encoding.UTF8.GetString(buffer, 0, written));
        Assert.Equal(expected, position.ToString());
        Assert.Equal(position, StreamPosition.Parse(expected));
    }

    [Fact]
    public void A_buffer_too_small_for_the_id_is_refused_not_overrun()
    {
        Assert.False(new StreamPosition(12, 7).TryFormat(new byte[3], out _));   // "12." fits, the topic does not
        Assert.False(new StreamPosition(12, 7).TryFormat(new byte[2], out _));   // "12" fits, the dot does not
    }
}
