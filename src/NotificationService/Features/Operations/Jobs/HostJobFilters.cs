using Hangfire.Common;
using Hangfire.States;

namespace NotificationService.Features.Operations.Jobs;

/// <summary>
/// Hangfire's filters for this host: the process-wide ones (Hangfire's global filters and the jobs' attributes) and the
/// host's own state-election filters, resolved from its services. Registered as the host's `IJobFilterProvider`, which its
/// servers and clients use; not added to Hangfire's static global filters, where every host of a test process would stack
/// its own (for the same reason as <see cref="HostBoundHangfire"/>).
/// </summary>
public sealed class HostJobFilters(IEnumerable<IElectStateFilter> own) : IJobFilterProvider
{
    private readonly JobFilter[] _own = own.Select(f => new JobFilter(f, JobFilterScope.Global, null)).ToArray();

    public IEnumerable<JobFilter> GetFilters(Job job) => JobFilterProviders.Providers.GetFilters(job).Concat(_own);
}
