using System.Diagnostics.Tracing;
using Microsoft.Diagnostics.NETCore.Client;

namespace NotificationService.Bench.Service;

/// <summary>
/// `--sse-settle`: a full collection induced in the service through the runtime's diagnostics port, the way
/// dotnet-gcdump does (an EventPipe session asking for the GC heap), before the sse window. Right after 10,000 streams
/// open, their state is still young; under server GC (the service's collector until 181f7f6) the first gen1 afterwards
/// promoted it in one pause of 164–301 ms, which landed in the window in about one run of three. The workstation
/// collector promotes it in small steps before the window, so the option now matters only with
/// `--service-env DOTNET_gcServer=1`. A long-running service carries that state in gen2 already; this measures that
/// steady state, and the report says whether it was used and what the induced collection paused.
/// </summary>
public static class ServiceHeapSettle
{
    private const long GcKeyword = 0x1, GcHeapCollectKeyword = 0x800000;

    public static async Task<double> InduceAsync(int pid, HttpClient api)
    {
        var (before, _, _, _) = await SseTail.ServiceGcAsync(api);
        var client = new DiagnosticsClient(pid);
        using (var session = client.StartEventPipeSession(
                   [new EventPipeProvider("Microsoft-Windows-DotNETRuntime", EventLevel.Informational, GcKeyword | GcHeapCollectKeyword)],
                   requestRundown: false, circularBufferMB: 64))
        {
            var drain = Task.Run(() =>
            {
                var buffer = new byte[81920];
                try { while (session.EventStream.Read(buffer, 0, buffer.Length) > 0) { } }
                catch (Exception) { /* the session ends when stopped */ }
            });
            await Task.Delay(TimeSpan.FromSeconds(3));   // the collection runs as the session starts; give it time to finish
            session.Stop();
            await drain;
        }
        var (after, _, _, _) = await SseTail.ServiceGcAsync(api);
        return (after - before) * 1000;
    }
}
