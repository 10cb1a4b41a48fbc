using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using NotificationService.Features.Sending.Notifications;
using NotificationService.Queue;
using NotificationService.Tests.Support;

namespace NotificationService.Tests.Features.Sending.Notifications.Ledger;

/// <summary>
/// The accept batcher's groups go in one round trip (jobs and notifications in one implicit transaction) when no
/// subscriber writes on accept. The rows are the ones a transaction of their own would write, and all or nothing.
/// </summary>
[Collection("service")]
public class AcceptInOneTripTests(ServiceFixture service)
{
    private NotificationWriter Writer => service.Factory.Services.GetRequiredService<NotificationWriter>();

    // Due in an hour, so no worker touches the rows while they are compared.
    private static readonly DateTimeOffset InAnHour = DateTimeOffset.UtcNow.AddHours(1);
    private static readonly Guid TemplateVersion = Guid.NewGuid();

    private static NotificationDraft Draft(Guid tenant, string channel, StoredRecipient to, string? category = null) => new(
        Guid.CreateVersion7(), tenant, channel, JobPriority.High, to, "welcome", TemplateVersion, "fr-CA",
        new StoredContent("Bonjour", "Bienvenue {{name}}", null), new JsonObject { ["name"] = "Ada" }, category,
        new JsonObject { ["order"] = "42" }, InAnHour, BatchId: null, OverridePreferences: true);

    private static List<NotificationDraft> Drafts(Guid tenant) =>
    [
        Draft(tenant, "email", new StoredRecipient(null, "ada@example.com", null, null), "billing"),
        Draft(tenant, "email", new StoredRecipient("u-1", "bob@example.com", null, null)),
        Draft(tenant, "sms", new StoredRecipient(null, null, "+15550100", null)),
    ];

    // Ordered by content, not id: UUIDv7 ids made in one millisecond do not follow the order they were made in.
    private Task<string?> RowsAsync(IEnumerable<NotificationDraft> drafts) => service.ScalarAsync<string>("""
        select jsonb_agg(to_jsonb(n) - 'id' - 'job_id' - 'created_at' - 'updated_at' || jsonb_build_object(
                   'job_units', j.units, 'job_queue', j.queue, 'job_priority', j.priority, 'job_run_at', j.run_at = n.send_at)
               order by n.channel, n.recipient::text)::text
        from notifications n join jobs j on j.id = n.job_id where n.id = any($1)
        """, drafts.Select(d => d.Id).ToArray());

    [Fact]
    public async Task A_group_accepted_on_its_own_writes_the_same_rows_and_jobs_as_one_accepted_in_a_transaction()
    {
        var tenant = await service.NewTenantAsync(channels: ["email", "sms"]);
        var alone = Drafts(tenant.Id);
        var inTransaction = Drafts(tenant.Id);

        await Writer.AcceptAsync(alone, CancellationToken.None);
        var ledger = service.Factory.Services.GetRequiredService<NotificationLedger>();
        await using (var tx = await ledger.BeginAsync(CancellationToken.None))
        {
            await Writer.InsertAsync(tx, inTransaction, CancellationToken.None);
            await tx.CommitAsync(CancellationToken.None);
        }

        var written = await RowsAsync(alone);
        Assert.NotNull(written);
        Assert.Equal(3, JsonNode.Parse(written)!.AsArray().Count);
        Assert.Equal(await RowsAsync(inTransaction), written);
        Assert.Equal(2L, await service.ScalarAsync<long>("select count(distinct job_id) from notifications where id = any($1)", alone.Select(d => d.Id).ToArray()));
    }

    [Fact]
    public async Task A_group_whose_notifications_cannot_be_written_leaves_no_job_and_no_notification()
    {
        var tenant = await service.NewTenantAsync(channels: "email");
        var first = Drafts(tenant.Id)[..1];
        await Writer.AcceptAsync(first, CancellationToken.None);
        var jobsBefore = await service.ScalarAsync<long>("select count(*) from jobs where tenant_id = $1", tenant.Id);

        // The second draft reuses the first's id: its insert fails, and with it the whole group.
        var fresh = Drafts(tenant.Id)[0];
        var again = new[] { fresh, first[0] with { Recipient = new StoredRecipient(null, "cy@example.com", null, null) } };
        var failure = await Assert.ThrowsAsync<PostgresException>(() => Writer.AcceptAsync(again, CancellationToken.None));
        Assert.Equal(PostgresErrorCodes.UniqueViolation, failure.SqlState);

        Assert.Equal(jobsBefore, await service.ScalarAsync<long>("select count(*) from jobs where tenant_id = $1", tenant.Id));
        Assert.Equal(0L, await service.ScalarAsync<long>("select count(*) from notifications where id = $1", fresh.Id));
    }
}
