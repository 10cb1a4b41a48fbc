using Microsoft.EntityFrameworkCore;

namespace NotificationService.Infrastructure;

/// <summary>EF Core for CRUD (tenants, service accounts, providers). Hot paths use raw SQL on NpgsqlDataSource.</summary>
public sealed class AppDbContext(DbContextOptions<AppDbContext> options) : DbContext(options)
{
    public DbSet<Tenant> Tenants => Set<Tenant>();
    public DbSet<ServiceAccount> ServiceAccounts => Set<ServiceAccount>();
    public DbSet<ProviderEntity> Providers => Set<ProviderEntity>();

    protected override void OnModelCreating(ModelBuilder model) =>
        model.ApplyConfigurationsFromAssembly(typeof(AppDbContext).Assembly);
}
