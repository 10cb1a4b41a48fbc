namespace NotificationService.Features.Operations.Seed;

/// <summary>
/// A part of the demo tenant that a feature above Operations seeds itself (the demo owner: Administration/Members), so
/// the seed does not depend on it. Returns a line for the seed's printout, or null.
/// </summary>
public interface IDemoSeedStep
{
    Task<string?> SeedAsync(Guid demoTenantId, CancellationToken ct);
}
