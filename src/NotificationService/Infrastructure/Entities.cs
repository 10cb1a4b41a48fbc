using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace NotificationService.Infrastructure;

public sealed class Tenant
{
    public Guid Id { get; set; }
    public required string Name { get; set; }
    public string DefaultLocale { get; set; } = "en";
    /// <summary>Links that reach end users may be plain http: (<see cref="Contracts.LinkPolicy"/>); off for a new tenant.</summary>
    public bool AllowHttpLinks { get; set; }
    /// <summary>Every console member must have a second factor, not only owners and admins (Administration/Members).</summary>
    public bool RequireTotp { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
}

public sealed class ServiceAccount
{
    public Guid Id { get; set; }
    public Guid TenantId { get; set; }
    public required string Name { get; set; }
    public required string KeyPrefix { get; set; }
    public required byte[] KeyHash { get; set; }
    public required string[] Scopes { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset? RevokedAt { get; set; }
    public DateTimeOffset? LastUsedAt { get; set; }
}

public sealed class ProviderEntity
{
    public Guid Id { get; set; }
    public Guid TenantId { get; set; }
    public required string Channel { get; set; }
    public required string Kind { get; set; }
    public required string Name { get; set; }
    public int Priority { get; set; } = 100;
    public bool Enabled { get; set; } = true;
    public string SettingsJson { get; set; } = "{}";
    public byte[]? SecretsCiphertext { get; set; }
    public string? SecretsKeyId { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
}

internal sealed class TenantConfiguration : IEntityTypeConfiguration<Tenant>
{
    public void Configure(EntityTypeBuilder<Tenant> e)
    {
        e.ToTable("tenants");
        e.Property(x => x.Id).HasColumnName("id");
        e.Property(x => x.Name).HasColumnName("name");
        e.Property(x => x.DefaultLocale).HasColumnName("default_locale");
        e.Property(x => x.AllowHttpLinks).HasColumnName("allow_http_links");
        e.Property(x => x.RequireTotp).HasColumnName("require_totp");
        e.Property(x => x.CreatedAt).HasColumnName("created_at").HasDefaultValueSql("now()").ValueGeneratedOnAdd();
    }
}

internal sealed class ServiceAccountConfiguration : IEntityTypeConfiguration<ServiceAccount>
{
    public void Configure(EntityTypeBuilder<ServiceAccount> e)
    {
        e.ToTable("service_accounts");
        e.HasOne<Tenant>().WithMany().HasForeignKey(x => x.TenantId); // lets EF insert the tenant first
        e.Property(x => x.Id).HasColumnName("id");
        e.Property(x => x.TenantId).HasColumnName("tenant_id");
        e.Property(x => x.Name).HasColumnName("name");
        e.Property(x => x.KeyPrefix).HasColumnName("key_prefix");
        e.Property(x => x.KeyHash).HasColumnName("key_hash");
        e.Property(x => x.Scopes).HasColumnName("scopes");
        e.Property(x => x.CreatedAt).HasColumnName("created_at").HasDefaultValueSql("now()").ValueGeneratedOnAdd();
        e.Property(x => x.RevokedAt).HasColumnName("revoked_at");
        e.Property(x => x.LastUsedAt).HasColumnName("last_used_at");
    }
}

internal sealed class ProviderConfiguration : IEntityTypeConfiguration<ProviderEntity>
{
    public void Configure(EntityTypeBuilder<ProviderEntity> e)
    {
        e.ToTable("providers");
        e.HasOne<Tenant>().WithMany().HasForeignKey(x => x.TenantId);
        e.Property(x => x.Id).HasColumnName("id");
        e.Property(x => x.TenantId).HasColumnName("tenant_id");
        e.Property(x => x.Channel).HasColumnName("channel");
        e.Property(x => x.Kind).HasColumnName("kind");
        e.Property(x => x.Name).HasColumnName("name");
        e.Property(x => x.Priority).HasColumnName("priority");
        e.Property(x => x.Enabled).HasColumnName("enabled");
        e.Property(x => x.SettingsJson).HasColumnName("settings").HasColumnType("jsonb");
        e.Property(x => x.SecretsCiphertext).HasColumnName("secrets_ciphertext");
        e.Property(x => x.SecretsKeyId).HasColumnName("secrets_key_id");
        e.Property(x => x.CreatedAt).HasColumnName("created_at").HasDefaultValueSql("now()").ValueGeneratedOnAdd();
        e.Property(x => x.UpdatedAt).HasColumnName("updated_at").HasDefaultValueSql("now()").ValueGeneratedOnAdd();
    }
}
