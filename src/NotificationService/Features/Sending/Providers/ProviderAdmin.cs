using System.Text.Json.Nodes;
using NotificationService.Channels;
using NotificationService.Channels.Outbound;
using NotificationService.Contracts;
using NotificationService.Infrastructure;

namespace NotificationService.Features.Sending.Providers;

/// <summary>
/// Provider config administration. Every write validates the merged result per kind, encrypts secrets under
/// the active key, and invalidates this replica's <see cref="ProviderDirectory"/> (others see it within its TTL).
/// </summary>
public sealed class ProviderAdmin(ProviderStore store, SecretProtector protector, ProviderDirectory directory, OutboundGuard guard,
    Contracts.ChatHostCheck chatHosts)
{
    public async Task<IReadOnlyList<ProviderView>> ListAsync(Guid tenantId, CancellationToken ct) =>
        (await store.ListAsync(tenantId, enabledOnly: false, ct)).Select(View).ToList();

    public async Task<ProviderView> GetAsync(Guid tenantId, Guid id, CancellationToken ct) => View(await FindAsync(tenantId, id, ct));

    public async Task<ProviderView> CreateAsync(Guid tenantId, ProviderRequest r, CancellationToken ct)
    {
        var settings = r.Settings ?? [];
        var secrets = Merge(new Dictionary<string, string>(), r.Secrets);
        await ValidateAsync(r.Channel, r.Kind, r.Name ?? "", r.Priority ?? 100, settings, secrets, ct);
        var e = new ProviderEntity
        {
            Id = Uuid7.New(), TenantId = tenantId, Channel = r.Channel!, Kind = r.Kind!, Name = r.Name!.Trim(),
            Priority = r.Priority ?? 100, Enabled = r.Enabled ?? true, SettingsJson = settings.ToJsonString(),
        };
        Encrypt(e, secrets);
        await store.AddAsync(e, ct);
        directory.Invalidate(tenantId);
        return await GetAsync(tenantId, e.Id, ct); // re-read for the database's timestamps
    }

    /// <summary>
    /// A config from another tenant's export, which carries its settings but never its secrets: checked as a create is (the
    /// outbound guard included) but for the secrets it lacks, and disabled when it had any, so it cannot send until an admin
    /// sets them (enabling it without a required one is refused, as any update is). A config that needs no secret (the
    /// sandbox) keeps its state.
    /// </summary>
    public async Task<ProviderView> ImportAsync(Guid tenantId, ProviderView exported, CancellationToken ct)
    {
        var settings = exported.Settings?.DeepClone() as JsonObject ?? [];
        await ValidateAsync(exported.Channel, exported.Kind, exported.Name, exported.Priority, settings, [], ct, secretsToCome: true);
        var e = new ProviderEntity
        {
            Id = Uuid7.New(), TenantId = tenantId, Channel = exported.Channel, Kind = exported.Kind, Name = exported.Name.Trim(),
            Priority = exported.Priority, Enabled = exported.Enabled && (exported.Secrets?.Count ?? 0) == 0,
            SettingsJson = settings.ToJsonString(),
        };
        Encrypt(e, []);
        await store.AddAsync(e, ct);
        directory.Invalidate(tenantId);
        return await GetAsync(tenantId, e.Id, ct);
    }

    public async Task<ProviderView> UpdateAsync(Guid tenantId, Guid id, ProviderRequest r, CancellationToken ct)
    {
        var e = await FindAsync(tenantId, id, ct);
        // Channel and kind are the config's identity (secrets and callbacks depend on them): create a new one instead.
        var errors = new Dictionary<string, string[]>();
        if (r.Channel is not null && r.Channel != e.Channel)
            errors["channel"] = ["The channel of a provider config cannot change; create a new config."];
        if (r.Kind is not null && r.Kind != e.Kind) errors["kind"] = ["The kind of a provider config cannot change; create a new config."];
        if (errors.Count > 0) throw new RequestValidationException(errors);

        var settings = r.Settings ?? JsonNode.Parse(e.SettingsJson)!.AsObject();
        var secrets = Merge(new Dictionary<string, string>(protector.Unprotect(e.SecretsCiphertext, e.SecretsKeyId)), r.Secrets);
        await ValidateAsync(e.Channel, e.Kind, r.Name ?? e.Name, r.Priority ?? e.Priority, settings, secrets, ct);
        e.Name = (r.Name ?? e.Name).Trim();
        e.Priority = r.Priority ?? e.Priority;
        e.Enabled = r.Enabled ?? e.Enabled;
        e.SettingsJson = settings.ToJsonString();
        e.UpdatedAt = DateTimeOffset.UtcNow;
        Encrypt(e, secrets);
        if (!await store.UpdateAsync(e, ct)) throw new NotFoundException("Provider config");
        directory.Invalidate(tenantId);
        return View(e);
    }

    public async Task DeleteAsync(Guid tenantId, Guid id, CancellationToken ct)
    {
        if (!await store.DeleteAsync(tenantId, id, ct)) throw new NotFoundException("Provider config");
        directory.Invalidate(tenantId);
    }

    /// <summary>The config with its secrets decrypted, for a test send (enabled or not).</summary>
    public async Task<ProviderConfig> LoadAsync(Guid tenantId, Guid id, CancellationToken ct)
    {
        var e = await FindAsync(tenantId, id, ct);
        return new ProviderConfig(e.Id, e.TenantId, e.Channel, e.Kind, e.Name, e.Priority,
            JsonNode.Parse(e.SettingsJson)!.AsObject(), protector.Unprotect(e.SecretsCiphertext, e.SecretsKeyId));
    }

    private async Task<ProviderEntity> FindAsync(Guid tenantId, Guid id, CancellationToken ct) =>
        await store.FindAsync(tenantId, id, ct) ?? throw new NotFoundException("Provider config"); // another tenant's config is a 404 too

    private ProviderView View(ProviderEntity e) => ProviderView.From(e, protector.Unprotect(e.SecretsCiphertext, e.SecretsKeyId).Keys);

    private void Encrypt(ProviderEntity e, Dictionary<string, string> secrets)
    {
        if (secrets.Count == 0) { e.SecretsCiphertext = null; e.SecretsKeyId = null; return; }
        (e.SecretsCiphertext, e.SecretsKeyId) = protector.Protect(secrets);
    }

    private static Dictionary<string, string> Merge(Dictionary<string, string> current, Dictionary<string, string?>? given)
    {
        foreach (var (name, value) in given ?? [])
        {
            if (value is null) current.Remove(name);
            else if (value != ProviderView.Mask) current[name] = value; // the mask sent back from a GET means "keep"
        }
        return current;
    }

    /// <param name="secretsToCome">An import: the secrets are set later, so their absence is no error yet.</param>
    private async Task ValidateAsync(string? channel, string? kind, string name, int priority, JsonObject settings,
        Dictionary<string, string> secrets, CancellationToken ct, bool secretsToCome = false)
    {
        var errors = ProviderSettingsValidator.Validate(kind, channel, settings, secrets)
            .Where(e => !(secretsToCome && e.Key.StartsWith("secrets.", StringComparison.Ordinal))).ToDictionary(e => e.Key, e => e.Value);
        if (string.IsNullOrWhiteSpace(name) || name.Length > 200) errors["name"] = ["A name of 1 to 200 characters is required."];
        if (priority is < 0 or > 10_000) errors["priority"] = ["'priority' must be between 0 and 10000 (lower is tried first)."];
        if (errors.Count > 0) throw new RequestValidationException(errors);
        foreach (var (field, host, echo) in Destinations(settings, secrets))
            if (await guard.CheckAsync(host, ct) is { } refused)
                errors[field] = [echo
                    ? $"Refused: {refused}. An operator can allow it with Outbound:AllowedTargets."
                    : "Its token_uri is not an allowed destination."];
        if (kind is not null)
            await chatHosts.CheckAsync([new("secrets.webhookUrl", kind, secrets.GetValueOrDefault("webhookUrl"))], errors, ct);
        if (errors.Count > 0) throw new RequestValidationException(errors);
    }

    /// <summary>
    /// Every address a config makes the service connect to, each checked by the outbound guard at save (and again at
    /// connect). A token_uri is inside a secret, so its refusal does not repeat it.
    /// </summary>
    private static IEnumerable<(string Field, string Host, bool Echo)> Destinations(JsonObject settings, Dictionary<string, string> secrets)
    {
        if (settings["baseUrl"] is JsonValue b && b.TryGetValue<string>(out var baseUrl)
            && Uri.TryCreate(baseUrl, UriKind.Absolute, out var u))
            yield return ("settings.baseUrl", u.IdnHost, true);
        if (settings["host"] is JsonValue h && h.TryGetValue<string>(out var host) && host.Length > 0)
            yield return ("settings.host", host, true);
        if (secrets.GetValueOrDefault("serviceAccountJson") is { } json && ProviderSettingsValidator.TokenUri(json) is { } tokenUri)
            yield return ("secrets.serviceAccountJson", tokenUri.IdnHost, false);
    }
}
