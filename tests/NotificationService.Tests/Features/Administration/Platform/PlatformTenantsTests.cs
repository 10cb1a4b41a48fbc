using System.Net;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using NotificationService.Features.Operations.Usage;
using NotificationService.Tests.Support;

namespace NotificationService.Tests.Features.Administration.Platform;

/// <summary>The operator creates tenants, lists them page by page, reads one and changes its limits.</summary>
[Collection("platform")]
public class PlatformTenantsTests(PlatformFixture service)
{
    private const string Tenants = "/api/v1/platform/tenants";

    private static string Slug() => "t-" + Guid.NewGuid().ToString("N")[..10];

    [Fact]
    public async Task A_created_tenant_without_an_owner_answers_its_id_and_a_first_admin_key_once_that_works_at_once()
    {
        var slug = Slug();
        var response = await service.Platform().PostJsonAsync(Tenants, new { name = "Acme Europe", slug,
            limits = new { send = new { perSecond = 500, burst = 1000 } } });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var created = await response.JsonAsync();
        var id = Guid.Parse(created["id"]!.GetValue<string>());
        Assert.Equal($"{Tenants}/{id}", response.Headers.Location?.OriginalString);
        Assert.Equal(slug, created["tenant"]!["slug"]!.GetValue<string>());
        Assert.Equal("active", created["tenant"]!["status"]!.GetValue<string>());
        Assert.Equal(500, created["tenant"]!["limits"]!["send"]!["perSecond"]!.GetValue<double>());
        Assert.Equal("tenant", created["tenant"]!["limits"]!["send"]!["source"]!.GetValue<string>());
        Assert.Equal("default", created["tenant"]!["limits"]!["admin"]!["source"]!.GetValue<string>());
        Assert.Null(created["invitationUrl"]);

        var key = created["apiKey"]!.GetValue<string>();
        var admin = service.Client(key);
        Assert.Equal(HttpStatusCode.OK, (await admin.GetAsync("/api/v1/admin/api-keys")).StatusCode);
        Assert.Equal(id, await service.ScalarAsync<Guid>("select tenant_id from service_accounts where key_prefix = $1", key[..12]));

        // Read back: never the key again.
        var read = await service.Platform().GetStringAsync($"{Tenants}/{id}");
        Assert.DoesNotContain(key[13..], read);
    }

    [Fact]
    public async Task A_tenant_created_with_an_owner_email_invites_that_person_as_owner_and_answers_the_link_once_instead_of_a_key()
    {
        var response = await service.Platform().PostJsonAsync(Tenants, new { name = "Owned Ltd", slug = Slug(), ownerEmail = "Owner@Acme.example" });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var created = await response.JsonAsync();
        var id = Guid.Parse(created["id"]!.GetValue<string>());
        Assert.Null(created["apiKey"]);
        var url = created["invitationUrl"]!.GetValue<string>();
        Assert.Matches(@"/admin/invite/[0-9a-f]{32}\.[A-Za-z0-9_-]{43}$", url);
        Assert.Equal(0L, await service.ScalarAsync<long>("select count(*) from service_accounts where tenant_id = $1", id));
        Assert.Equal("owner invited", await service.ScalarAsync<string>(
            "select role || ' ' || status from members where tenant_id = $1 and email = 'owner@acme.example'", id));

        // The link opens the invitation page (the member sets a password there); the tenant's reads never show it again.
        var page = await service.Factory.CreateClient().GetAsync(new Uri(url).PathAndQuery);
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        var secret = url[(url.LastIndexOf('.') + 1)..];
        Assert.DoesNotContain(secret, await service.Platform().GetStringAsync($"{Tenants}/{id}"));
        Assert.DoesNotContain(secret, await service.Platform().GetStringAsync($"{Tenants}/{id}/export"));
    }

    [Fact]
    public async Task A_retried_create_with_the_same_Idempotency_Key_answers_the_same_tenant_without_the_key_and_another_body_is_a_422()
    {
        var idempotencyKey = Guid.NewGuid().ToString();
        var body = new { name = "Retry Ltd", slug = Slug() };
        var first = await service.Platform().PostJsonAsync(Tenants, body, idempotencyKey);
        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        var id = (await first.JsonAsync())["id"]!.GetValue<string>();

        var again = await service.Platform().PostJsonAsync(Tenants, body, idempotencyKey);
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        Assert.Equal("true", again.Headers.GetValues("Idempotent-Replayed").Single());
        var replay = await again.JsonAsync();
        Assert.Equal(id, replay["id"]!.GetValue<string>());
        Assert.Null(replay["apiKey"]);   // shown once, on the first answer
        Assert.Equal(1L, await service.ScalarAsync<long>("select count(*) from tenants where name = 'Retry Ltd' and slug = $1", body.slug));

        var other = await service.Platform().PostJsonAsync(Tenants, new { name = "Retry Ltd", slug = Slug() }, idempotencyKey);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, other.StatusCode);
    }

    [Fact]
    public async Task Bad_input_is_a_400_naming_each_field_and_a_taken_slug_a_409_and_neither_writes_a_tenant()
    {
        var before = await service.ScalarAsync<long>("select count(*) from tenants");
        var bad = await service.Platform().PostJsonAsync(Tenants, new { name = "", slug = "Not A Slug", ownerEmail = "nobody",
            limits = new Dictionary<string, object?> { ["send"] = new { perSecond = 0, burst = 5 }, ["fax"] = new { perSecond = 1, burst = 1 } } });
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        var errors = (await bad.JsonAsync())["errors"]!.AsObject();
        foreach (var field in new[] { "name", "slug", "ownerEmail", "limits.send.perSecond", "limits.fax" }) Assert.True(errors.ContainsKey(field), $"no error for {field}: {errors}");

        var slug = Slug();
        Assert.Equal(HttpStatusCode.Created, (await service.Platform().PostJsonAsync(Tenants, new { name = "First", slug })).StatusCode);
        var taken = await service.Platform().PostJsonAsync(Tenants, new { name = "Second", slug });
        Assert.Equal(HttpStatusCode.Conflict, taken.StatusCode);
        Assert.True((await taken.JsonAsync())["errors"]!.AsObject().ContainsKey("slug"));
        Assert.Equal(before + 1, await service.ScalarAsync<long>("select count(*) from tenants"));
    }

    [Fact]
    public async Task The_list_pages_by_cursor_through_every_tenant_once_filters_by_status_and_shows_the_month_usage()
    {
        var mine = new List<string>();
        for (var i = 0; i < 3; i++)
            mine.Add((await (await service.Platform().PostJsonAsync(Tenants, new { name = $"Paged {i}" })).JsonAsync())["id"]!.GetValue<string>());
        // The usage counters, as the flusher writes them: this month's cells count, last month's do not.
        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        await service.Factory.Services.GetRequiredService<UsageStore>().AddAsync(new Dictionary<UsageKey, long>
        {
            [new UsageKey(Guid.Parse(mine[0]), today, "email", "accepted")] = 7,
            [new UsageKey(Guid.Parse(mine[0]), today.AddMonths(-1), "email", "accepted")] = 1000,
        }, default);

        var seen = new List<JsonNode>();
        string? cursor = null;
        do
        {
            var page = JsonNode.Parse(await service.Platform().GetStringAsync($"{Tenants}?limit=2" + (cursor is null ? "" : $"&cursor={cursor}")))!;
            Assert.True(page["items"]!.AsArray().Count <= 2);
            seen.AddRange(page["items"]!.AsArray().Select(n => n!));
            cursor = page["nextCursor"]?.GetValue<string>();
        } while (cursor is not null);
        var ids = seen.Select(n => n["id"]!.GetValue<string>()).ToList();
        Assert.Equal(ids.Count, ids.Distinct().Count());
        Assert.All(mine, id => Assert.Contains(id, ids));
        Assert.Equal(7, seen.Single(n => n["id"]!.GetValue<string>() == mine[0])["usageThisMonth"]!["email"]!["accepted"]!.GetValue<long>());

        Assert.Equal(HttpStatusCode.OK, (await service.Platform().PostAsync($"{Tenants}/{mine[1]}/suspend", null)).StatusCode);
        var suspended = JsonNode.Parse(await service.Platform().GetStringAsync($"{Tenants}?status=suspended&limit=100"))!["items"]!.AsArray();
        Assert.Contains(suspended, n => n!["id"]!.GetValue<string>() == mine[1]);
        Assert.All(suspended, n => Assert.Equal("suspended", n!["status"]!.GetValue<string>()));
        Assert.Equal(HttpStatusCode.BadRequest, (await service.Platform().GetAsync($"{Tenants}?cursor=nope")).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await service.Platform().GetAsync($"{Tenants}?limit=1000")).StatusCode);
    }

    [Fact]
    public async Task Patching_limits_sets_the_named_classes_and_null_returns_one_to_its_default_for_the_tenant_only()
    {
        var id = (await (await service.Platform().PostJsonAsync(Tenants, new { name = "Limits" })).JsonAsync())["id"]!.GetValue<string>();
        var patched = await service.Platform().PatchAsync($"{Tenants}/{id}", Json(new { limits = new { admin = new { perSecond = 3, burst = 6 }, send = new { perSecond = 9, burst = 9 } } }));
        Assert.Equal(HttpStatusCode.OK, patched.StatusCode);
        var view = await patched.JsonAsync();
        Assert.Equal(3, view["limits"]!["admin"]!["perSecond"]!.GetValue<double>());
        Assert.Equal(6, view["limits"]!["admin"]!["burst"]!.GetValue<double>());

        var reset = await (await service.Platform().PatchAsync($"{Tenants}/{id}", Json("""{"limits":{"admin":null}}"""))).JsonAsync();
        Assert.Equal("default", reset["limits"]!["admin"]!["source"]!.GetValue<string>());
        Assert.Equal("tenant", reset["limits"]!["send"]!["source"]!.GetValue<string>());
        Assert.Equal(1L, await service.ScalarAsync<long>("select count(*) from tenant_rate_limits where tenant_id = $1", Guid.Parse(id)));

        var bad = await service.Platform().PatchAsync($"{Tenants}/{id}", Json(new { limits = new { send = new { perSecond = -1, burst = 1 } } }));
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.True((await bad.JsonAsync())["errors"]!.AsObject().ContainsKey("limits.send.perSecond"));
        Assert.Equal(HttpStatusCode.NotFound, (await service.Platform().PatchAsync($"{Tenants}/{Guid.NewGuid()}", Json(new { limits = new { } }))).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await service.Platform().GetAsync($"{Tenants}/{Guid.NewGuid()}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await service.Platform().PostAsync($"{Tenants}/{Guid.NewGuid()}/suspend", null)).StatusCode);
    }

    private static StringContent Json(object body) =>
        new(body as string ?? System.Text.Json.JsonSerializer.Serialize(body), System.Text.Encoding.UTF8, "application/json");
}
