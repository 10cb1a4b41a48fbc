using System.Security.Cryptography;
using DnsClient;
using Npgsql;
using NotificationService.Infrastructure;

namespace NotificationService.Features.Administration.Sso;

/// <summary>A domain of the configuration as the API shows it: proved or not, and the TXT record that proves it.</summary>
public sealed record SsoDomainView(string Domain, bool Verified, string TxtName, string TxtValue);

/// <summary>TXT records by name: DNS in the service (<see cref="DnsTxtLookup"/>), a fake in the specs.</summary>
public interface ISsoDomainTxtLookup
{
    Task<IReadOnlyList<string>> TxtAsync(string name, CancellationToken ct);
}

/// <summary>The host's resolvers, through DnsClient; a name that does not resolve has no records.</summary>
public sealed class DnsTxtLookup : ISsoDomainTxtLookup
{
    private readonly LookupClient _client =
        new(new LookupClientOptions { UseCache = false, Timeout = TimeSpan.FromSeconds(5), Retries = 1 });

    public async Task<IReadOnlyList<string>> TxtAsync(string name, CancellationToken ct)
    {
        try
        {
            var answer = await _client.QueryAsync(name, QueryType.TXT, QueryClass.IN, ct);
            return [.. answer.Answers.TxtRecords().Select(r => string.Concat(r.Text))];
        }
        catch (DnsResponseException) { return []; }
    }
}

/// <summary>
/// The one owner of `sso_domains`: the proof that a tenant holds an email domain before SSO discovery sends anyone with
/// an address there to the tenant's provider. Any tenant may list any domain (it limits who may sign in to that tenant);
/// only a proved one is used to find the tenant from an address, so one tenant cannot claim another's people.
/// </summary>
public sealed class SsoDomainProofs(NpgsqlDataSource db, ISsoDomainTxtLookup dns, TimeProvider clock)
{
    public const string RecordPrefix = "_notification-service.", ValuePrefix = "notification-service-verification=";

    /// <summary>Keeps one row per listed domain (a new one gets a fresh token; an unlisted one goes), in the caller's
    /// transaction.</summary>
    public static async Task SyncAsync(NpgsqlConnection connection, Guid tenantId, string[] domains, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand("""
            with gone as (delete from sso_domains where tenant_id = $1 and not (domain = any($2)))
            insert into sso_domains (tenant_id, domain, token) select $1, d, $3 || md5(d || $3) from unnest($2::text[]) d
            on conflict (tenant_id, domain) do nothing
            """, connection);
        cmd.Parameters.AddWithValue(tenantId);
        cmd.Parameters.AddWithValue(domains);
        cmd.Parameters.AddWithValue(Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16)));
        await cmd.ExecuteNonQueryAsync(ct);
    }

    public async Task<SsoDomainView[]> ListAsync(Guid tenantId, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand(
            "select domain, token, verified_at is not null from sso_domains where tenant_id = $1 order by domain");
        cmd.Parameters.AddWithValue(tenantId);
        var list = new List<SsoDomainView>();
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct)) list.Add(View(r.GetString(0), r.GetString(1), r.GetBoolean(2)));
        return [.. list];
    }

    /// <summary>Looks the domain's TXT record up and marks the domain proved when it carries the token; 404 when the
    /// configuration does not list it, 409 (naming the record) when the record is not there yet.</summary>
    public async Task<SsoDomainView> VerifyAsync(Guid tenantId, string domain, CancellationToken ct)
    {
        var name = SsoRules.Domains([domain])[0];
        var listed = (await ListAsync(tenantId, ct)).FirstOrDefault(d => d.Domain == name)
            ?? throw new NotFoundException($"The domain {name}");
        if (listed.Verified) return listed;
        var records = await dns.TxtAsync(listed.TxtName, ct);
        if (!records.Contains(listed.TxtValue, StringComparer.Ordinal))
            throw new ConflictException($"No TXT record {listed.TxtName} with the value {listed.TxtValue} was found. "
                + $"Publish it at your DNS host, then verify again.");
        await using var cmd = db.CreateCommand(
            "update sso_domains set verified_at = $3 where tenant_id = $1 and domain = $2 and verified_at is null");
        cmd.Parameters.AddWithValue(tenantId);
        cmd.Parameters.AddWithValue(name);
        cmd.Parameters.AddWithValue(clock.GetUtcNow());
        await cmd.ExecuteNonQueryAsync(ct);
        return listed with { Verified = true };
    }

    private static SsoDomainView View(string domain, string token, bool verified)
        => new(domain, verified, RecordPrefix + domain, ValuePrefix + token);
}
