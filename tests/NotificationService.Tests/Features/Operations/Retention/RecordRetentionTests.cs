using System.Net;
using System.Net.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using NotificationService.Features.Administration.Console.Session;
using NotificationService.Features.Administration.Members;
using NotificationService.Tests.Features.Administration.Members;
using NotificationService.Features.Operations.Retention;
using NotificationService.Tests.Support;

namespace NotificationService.Tests.Features.Operations.Retention;

/// <summary>
/// The audit log, console sessions and in-app notifications that never reached an inbox go after their retention,
/// each deleted by its own store. The pass covers every tenant of the shared database, so each spec counts only its
/// own tenant's rows.
/// </summary>
[Collection("retention")]
public class RecordRetentionTests(RetentionFixture service)
{
    private RetentionRunner Runner => service.Factory.Services.GetRequiredService<RetentionRunner>();

    private Task<long> CountAsync(string sql, Guid id) => service.ScalarAsync<long>(sql, id);

    [Fact]
    public async Task Audit_entries_go_a_year_after_they_were_recorded_oldest_first()
    {
        var tenant = await service.NewTenantAsync();
        Assert.Equal(HttpStatusCode.Created, (await tenant.Http.PostJsonAsync("/api/v1/admin/categories", new { key = "news", name = "News" })).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await tenant.Http.PutAsJsonAsync("/api/v1/admin/categories/news", new { name = "Newsletter", commercial = true })).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await tenant.Http.DeleteAsync("/api/v1/admin/categories/news")).StatusCode);
        const string Entries = "select count(*) from audit_log where tenant_id = $1";
        Assert.Equal(3, await CountAsync(Entries, tenant.Id));
        // The first change was made 400 days ago: today's pass takes it, and only it, from this tenant's log.
        await service.ScalarAsync<int>("""
            update audit_log set at = at - interval '400 days' where tenant_id = $1 and action = 'category.create' returning 1
            """, tenant.Id);
        var now = DateTimeOffset.UtcNow;

        var today = Assert.Single(await Runner.RunOnceAsync(now, default), r => r.Kind == "AuditLog");
        Assert.True(today.Purged >= 1, $"the 400-day-old entry goes: {today.Purged}");
        Assert.Equal(2, await CountAsync(Entries, tenant.Id));
        Assert.Equal(0, await CountAsync(Entries + " and action = 'category.create'", tenant.Id));
        Assert.Equal(2, (await (await tenant.Http.GetAsync("/api/v1/admin/audit")).JsonAsync())["items"]!.AsArray().Count);

        // Day 364: within the year, the other two stay.
        Assert.Single(await Runner.RunOnceAsync(now.AddDays(364), default), r => r.Kind == "AuditLog");
        Assert.Equal(2, await CountAsync(Entries, tenant.Id));

        // Day 366: past it, both go, in batches of two (the fixture's batch size).
        var day366 = Assert.Single(await Runner.RunOnceAsync(now.AddDays(366), default), r => r.Kind == "AuditLog");
        Assert.True(day366.Purged >= 2 && day366.Batches >= 2, $"{day366.Purged} purged in {day366.Batches} batches");
        Assert.Equal(0, await CountAsync(Entries, tenant.Id));
        Assert.Empty((await (await tenant.Http.GetAsync("/api/v1/admin/audit")).JsonAsync())["items"]!.AsArray());
    }

    [Fact]
    public async Task Console_sessions_go_a_day_after_they_expired_and_live_ones_stay()
    {
        var tenant = await service.NewTenantAsync();
        var store = service.Factory.Services.GetRequiredService<ConsoleSessionStore>();
        var (member, token) = await TeamMembers.SignedInAsync(service.Factory.Services, tenant.Id, MemberRoles.Owner);
        var longLived = await store.CreateForMemberAsync(tenant.Id, member.Id, MemberSessions.Password, TimeSpan.FromDays(10), default);
        Assert.NotNull(await store.FindAsync(token!, default));
        const string Sessions = "select count(*) from console_sessions where tenant_id = $1";
        Assert.Equal(2, await CountAsync(Sessions, tenant.Id));
        var expiry = (await store.FindAsync(token!, default))!.ExpiresAt;   // Admin:SessionMinutes after sign-in

        // 23 hours after the sign-in session expired: it signs nobody in, but its row is kept for the day.
        await Runner.RunOnceAsync(expiry.AddHours(23), default);
        Assert.Equal(2, await CountAsync(Sessions, tenant.Id));

        // 25 hours after: the expired session's row goes; the one that lives ten days stays and still signs in.
        var later = Assert.Single(await Runner.RunOnceAsync(expiry.AddHours(25), default), r => r.Kind == "ConsoleSessions");
        Assert.True(later.Purged >= 1, $"the expired session goes: {later.Purged}");
        Assert.Equal(1, await CountAsync(Sessions, tenant.Id));
        Assert.Null(await store.FindAsync(token!, default));
        Assert.NotNull(await store.FindAsync(longLived, default));
    }

    [Fact]
    public async Task In_app_notifications_that_never_reached_an_inbox_go_with_the_others_and_delivered_ones_stay()
    {
        var tenant = await service.NewTenantAsync();
        var delivered = await service.SendInAppAsync(tenant, "r-2", "kept: it is in the user's inbox");
        var cancelled = await tenant.Http.SendOkAsync(new { channel = "in_app", recipient = new { userId = "r-2" },
            content = new { subject = "later", body = "b" }, sendAt = DateTimeOffset.UtcNow.AddDays(2) });
        Assert.True((await tenant.Http.PostAsync($"/api/v1/services/notifications/{cancelled}/cancel", null)).IsSuccessStatusCode);
        Assert.Equal("cancelled", (await tenant.Http.StatusAsync(cancelled))["status"]!.GetValue<string>());
        var now = DateTimeOffset.UtcNow;

        // Day 89: nothing of this tenant's has reached the 90 days.
        await Runner.RunOnceAsync(now.AddDays(89), default);
        Assert.Equal(2, await CountAsync("select count(*) from notifications where tenant_id = $1", tenant.Id));

        // Day 91: the cancelled one (no item was ever made) goes with its history; the delivered one stays with its item.
        await Runner.RunOnceAsync(now.AddDays(91), default);
        Assert.Equal(HttpStatusCode.NotFound, (await tenant.Http.GetAsync($"/api/v1/services/notifications/{cancelled}")).StatusCode);
        Assert.Equal(0, await CountAsync("select count(*) from notification_events where notification_id = $1", cancelled));
        Assert.Equal("sent", (await tenant.Http.StatusAsync(delivered))["status"]!.GetValue<string>());
        var user = await service.UserClientAsync(tenant, "r-2");
        Assert.Equal([delivered], await user.ListIdsAsync());
    }
}
