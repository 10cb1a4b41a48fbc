using System.Text.Json.Nodes;
using NotificationService.Tests.Features.People.Preferences;
using NotificationService.Tests.Support;

namespace NotificationService.Tests.Features.People.Recipients;

/// <summary>Quiet hours that name no time zone follow the user's profile time zone (else UTC).</summary>
[Collection("service")]
public class ProfileTimeZoneTests(ServiceFixture service)
{
    [Fact]
    public async Task Quiet_hours_without_a_time_zone_are_kept_on_the_profiles_clock()
    {
        var tenant = await service.NewTenantAsync();
        await tenant.Http.CreateCategoryAsync(new { key = "digest", name = "Digest", quietHours = "drop", isDefault = true });
        // Kiritimati is UTC+14 all year: a window around its local time now is fourteen hours away from UTC's clock.
        var kiritimati = TimeZoneInfo.ConvertTime(DateTimeOffset.UtcNow, TimeZoneInfo.FindSystemTimeZoneById("Pacific/Kiritimati"));
        var quietHours = new
        {
            windows = new[]
            {
                new { days = new[] { "sun", "mon", "tue", "wed", "thu", "fri", "sat" }, start = kiritimati.AddMinutes(-5).ToString("HH:mm"), end = kiritimati.AddHours(1).ToString("HH:mm") },
            },
        };
        foreach (var user in new[] { "far", "far-addressed", "near" })
        {
            var saved = await tenant.Http.PutPreferencesAsync(user, new { quietHours });
            Assert.Null(saved["quietHours"]!["timeZone"]);
        }
        await tenant.Http.IdentifyAsync("far", new { email = "far@example.com", timezone = "Pacific/Kiritimati" });
        await tenant.Http.IdentifyAsync("far-addressed", new { timezone = "Pacific/Kiritimati" });
        await tenant.Http.IdentifyAsync("near", new { email = "near@example.com" });   // no time zone: UTC

        var far = await tenant.Http.SendOkAsync(new { channel = "email", recipient = new { userId = "far" }, content = new { subject = "S", body = "B" } });
        var near = await tenant.Http.SendOkAsync(new { channel = "email", recipient = new { userId = "near" }, content = new { subject = "S", body = "B" } });
        // A send that carries its address needs no profile for it: the preference gate reads the time zone itself.
        var farAddressed = await tenant.Http.SendOkAsync(new { channel = "email", recipient = new { userId = "far-addressed", email = "fa@example.com" }, content = new { subject = "S", body = "B" } });
        Assert.Equal("quiet_hours:digest/email", (await service.Ledger.WaitForAsync(far, "suppressed")).Detail);
        Assert.Equal("quiet_hours:digest/email", (await service.Ledger.WaitForAsync(farAddressed, "suppressed")).Detail);
        await service.Ledger.WaitForAsync(near, "sent");
    }
}
