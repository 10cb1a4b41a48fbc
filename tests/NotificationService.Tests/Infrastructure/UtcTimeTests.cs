using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using NotificationService.Infrastructure;
using NotificationService.Tests.Support;

namespace NotificationService.Tests.Infrastructure;

/// <summary>
/// A time with any offset is the instant it names: accepted wherever the API takes a date-time (bodies and query
/// strings), stored as that instant and read back in UTC. Npgsql refuses a non-zero offset for `timestamptz`, which
/// made `sendAt: …+02:00` and `audit?from=…%2B02:00` a 500.
/// </summary>
[Collection("service")]
public class UtcTimeTests(ServiceFixture service)
{
    /// <summary>One instant (whole milliseconds, a few days ahead) written in every form the API must read alike.</summary>
    private static readonly DateTimeOffset Instant = new(DateTimeOffset.UtcNow.AddDays(3).Date.AddHours(8).AddMilliseconds(123), TimeSpan.Zero);

    public static TheoryData<string> Forms() =>
    [
        Instant.ToOffset(TimeSpan.FromHours(2)).ToString("yyyy-MM-dd'T'HH:mm:ss.fffzzz", CultureInfo.InvariantCulture),
        Instant.ToOffset(new TimeSpan(-5, -30, 0)).ToString("yyyy-MM-dd'T'HH:mm:ss.fffzzz", CultureInfo.InvariantCulture),
        Instant.ToOffset(TimeSpan.FromHours(14)).ToString("yyyy-MM-dd'T'HH:mm:ss.fffzzz", CultureInfo.InvariantCulture),
        Instant.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture),
        Instant.ToString("yyyy-MM-dd't'HH:mm:ss.fff'z'", CultureInfo.InvariantCulture),                   // RFC 3339 allows lower case
        Instant.ToOffset(TimeSpan.FromHours(2)).ToString("yyyy-MM-dd'T'HH:mm:ss.fff0000zzz", CultureInfo.InvariantCulture), // 7 fraction digits
        Instant.ToString("yyyy-MM-dd'T'HH:mm:ss.fff", CultureInfo.InvariantCulture),                       // no offset: UTC, not the host's zone
    ];

    [Theory]
    [MemberData(nameof(Forms))]
    public async Task A_send_at_with_any_offset_is_stored_as_the_same_instant_and_read_back_in_UTC(string sendAt)
    {
        var tenant = await service.NewTenantAsync();
        var id = await tenant.Http.SendOkAsync(new
        {
            channel = "email", recipient = new { email = "ada@example.com" }, content = new { subject = "s", body = "b" }, sendAt,
        });

        Assert.Equal(Instant, await service.ScalarAsync<DateTime>("select send_at from notifications where id = $1", id));
        var readBack = (await tenant.Http.StatusAsync(id))["sendAt"]!.GetValue<string>();
        Assert.Equal(Instant, DateTimeOffset.Parse(readBack, CultureInfo.InvariantCulture));
        Assert.EndsWith("+00:00", readBack);
    }

    [Fact]
    public async Task A_batch_with_an_offset_stores_every_recipients_send_at_and_its_expiry_as_the_same_instants()
    {
        var tenant = await service.NewTenantAsync();
        var expires = Instant.AddDays(2);
        var response = await tenant.Http.PostJsonAsync("/api/v1/services/notifications/send-batch", new
        {
            channel = "in_app", content = new { subject = "s", body = "b" },
            sendAt = Instant.ToOffset(TimeSpan.FromHours(2)).ToString("O"),
            expiresAt = expires.ToOffset(new TimeSpan(-5, -30, 0)).ToString("O"),
            recipients = new object[] { new { userId = "a" }, new { userId = "b" } },
        });
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var batchId = Guid.Parse((await response.JsonAsync())["batchId"]!.GetValue<string>());

        Assert.Equal(2L, await service.ScalarAsync<long>("select count(*) from notifications where batch_id = $1 and send_at = $2", batchId, Instant.UtcDateTime));
        var stamped = await service.ScalarAsync<string>("select string_agg(distinct metadata->>'expiresAt', '|') from notifications where batch_id = $1", batchId);
        Assert.Equal(expires, DateTimeOffset.Parse(stamped!, CultureInfo.InvariantCulture));
    }

    [Fact]
    public async Task The_audit_log_takes_from_and_to_with_offsets_and_filters_by_the_instant()
    {
        var tenant = await service.NewTenantAsync();
        Assert.Equal(HttpStatusCode.Created, (await tenant.Http.PostJsonAsync("/api/v1/admin/categories", new { key = "news", name = "News" })).StatusCode);
        var at = DateTimeOffset.Parse((await (await tenant.Http.GetAsync("/api/v1/admin/audit")).JsonAsync())["items"]![0]!["at"]!.GetValue<string>(), CultureInfo.InvariantCulture);
        string Q(DateTimeOffset t, TimeSpan offset) => Uri.EscapeDataString(t.ToOffset(offset).ToString("O"));

        async Task<int> CountAsync(string query)
        {
            var response = await tenant.Http.GetAsync("/api/v1/admin/audit?" + query);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            return (await response.JsonAsync())["items"]!.AsArray().Count;
        }

        Assert.Equal(1, await CountAsync($"from={Q(at.AddMinutes(-1), TimeSpan.FromHours(2))}&to={Q(at.AddMinutes(1), new TimeSpan(-5, -30, 0))}"));
        Assert.Equal(0, await CountAsync($"from={Q(at.AddMinutes(1), TimeSpan.FromHours(14))}"));
        Assert.Equal(0, await CountAsync($"to={Q(at.AddMinutes(-1), TimeSpan.FromHours(2))}"));
        Assert.Equal(1, await CountAsync($"from={at.AddMinutes(-1).UtcDateTime:yyyy-MM-dd't'HH:mm:ss'z'}"));
        Assert.Equal(HttpStatusCode.BadRequest, (await tenant.Http.GetAsync("/api/v1/admin/audit?from=yesterday")).StatusCode);
    }

    [Theory]
    [InlineData("2027-01-01T10:00:00+02:00", "2027-01-01T08:00:00Z")]
    [InlineData("2027-01-01T10:00:00-05:30", "2027-01-01T15:30:00Z")]
    [InlineData("2027-01-01T10:00:00+14:00", "2026-12-31T20:00:00Z")]
    [InlineData("2027-01-01t10:00:00.5z", "2027-01-01T10:00:00.5Z")]
    [InlineData("2027-01-01T10:00:00", "2027-01-01T10:00:00Z")]
    [InlineData("2027-01-01", "2027-01-01T00:00:00Z")]
    public void UtcTime_reads_RFC_3339_and_ISO_8601_forms_as_the_UTC_instant(string text, string utc)
    {
        Assert.True(UtcTime.TryParse(text, out var at));
        Assert.Equal(TimeSpan.Zero, at.Offset);
        Assert.Equal(DateTimeOffset.Parse(utc, CultureInfo.InvariantCulture), at);
    }

    [Theory]
    [InlineData("yesterday")]
    [InlineData("1/2/2027")]
    [InlineData("2027-01-01T10:00:00+02:00\",\"x")]     // nothing after the value is read past
    [InlineData("0001-01-01T00:00:00+14:00")]           // before the first representable instant
    [InlineData("9999-12-31T23:59:59-05:30")]           // after the last
    [InlineData("2027-13-01T00:00:00Z")]
    [InlineData("")]
    public void UtcTime_refuses_what_is_not_an_instant(string text) => Assert.False(UtcTime.TryParse(text, out _));

    [Fact]
    public void A_5000_character_value_is_refused_without_being_parsed() => Assert.False(UtcTime.TryParse(new string('1', 5000), out _));
}
