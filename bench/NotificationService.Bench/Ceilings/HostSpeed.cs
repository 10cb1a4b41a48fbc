using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text.Json;
using Npgsql;

namespace NotificationService.Bench.Ceilings;

/// <summary>
/// How much CPU a fixed piece of work takes on this host right now, measured beside the ceilings: a .NET kernel (JSON
/// write and read, a dictionary, a hash: the kind of work a worker does per message) on one thread, a PostgreSQL kernel
/// (one backend formatting and hashing a million integers), and a walk through memory on both cores at once. CPU per
/// unit of work is the bench's headline because a busy host slows a window more than it changes what each unit costs;
/// these say how far the cost of the same work itself moved between measurements (frequency, caches and memory
/// bandwidth shared with the host's other tenants). At smoke size each kernel does a token amount of its work: its figure
/// means nothing there, like every smoke figure, and the full kernels were a third of a smoke lane's wall time.
/// </summary>
public static class HostSpeed
{
    private static int Chunk => Waits.Smoke ? 500 : 50_000;
    private sealed record Payload(Guid Id, string Channel, string Recipient, string Body, int Attempt);

    /// <summary>
    /// Thread CPU nanoseconds per kernel operation: the median of five measured chunks after a warm-up. The first
    /// measurement in a fresh bench process read ~45 % higher than later ones after a shorter warm-up (the JIT's last tier
    /// not yet installed), so the warm-up is long and the median drops a chunk that still ran slower code.
    /// </summary>
    public static double DotnetNsPerOp()
    {
        var payload = new Payload(Guid.Parse("0000000d-e000-4000-8000-0000000000be"), "email", "someone@example.com",
            "Hello {{name}}, your order has shipped and will arrive on Tuesday.", 1);
        var seen = new Dictionary<Guid, int>();
        for (var round = 0; round < Waits.Rounds(6); round++)
        {
            Run(payload, seen, Chunk);
            if (!Waits.Smoke) Thread.Sleep(150); // lets the tiered-compilation thread install what the warm-up made hot
        }
        var chunks = new double[5];
        long checksum = 0;
        for (var i = 0; i < chunks.Length; i++)
        {
            var start = ThreadCpu();
            checksum += Run(payload, seen, Chunk);
            chunks[i] = (ThreadCpu() - start).TotalNanoseconds / Chunk;
        }
        Array.Sort(chunks);
        return checksum == 0 ? double.NaN : chunks[chunks.Length / 2]; // the checksum keeps the work observable
    }

    private static long Run(Payload payload, Dictionary<Guid, int> seen, int operations)
    {
        long checksum = 0;
        for (var i = 0; i < operations; i++)
        {
            var json = JsonSerializer.SerializeToUtf8Bytes(payload with { Attempt = i });
            var back = JsonSerializer.Deserialize<Payload>(json)!;
            seen[back.Id] = back.Attempt;
            checksum += SHA256.HashData(json)[0] + seen.Count;
        }
        return checksum;
    }

    // 128 MB of ints: several times any last-level cache of this class of host (1 MB at smoke size).
    private static int ChainLength => Waits.Smoke ? 1 << 18 : 32 << 20;
    private static int WalkSteps => Waits.Smoke ? 10_000 : 1_000_000;
    private static readonly Lazy<int[]> Chain = new(() =>
    {
        // One random cycle through every slot (Sattolo's shuffle), so each read depends on the one before and none is cached.
        var next = new int[ChainLength];
        for (var i = 0; i < next.Length; i++) next[i] = i;
        var random = new Random(7);
        for (var i = next.Length - 1; i > 0; i--) { var j = random.Next(i); (next[i], next[j]) = (next[j], next[i]); }
        return next;
    });

    /// <summary>
    /// Thread CPU nanoseconds per dependent read through 128 MB, on both cores at once: what the one-thread kernel above does
    /// not meet, a core's sibling and the caches and memory the host's other tenants share. The mean of the threads' medians.
    /// </summary>
    public static double MemoryNsPerRead()
    {
        var chain = Chain.Value;
        var perThread = new double[Math.Min(Environment.ProcessorCount, 2)];
        // Threads of their own, not the pool's: both walks must run at the same time, which Parallel.For does not promise.
        var walkers = Enumerable.Range(0, perThread.Length).Select(t => new Thread(() =>
        {
            var steps = WalkSteps;
            var at = t * 7919;
            at = Walk(chain, at, steps); // warm: the pages mapped, the loop compiled
            var chunks = new double[5];
            for (var i = 0; i < chunks.Length; i++)
            {
                var start = ThreadCpu();
                at = Walk(chain, at, steps);
                chunks[i] = (ThreadCpu() - start).TotalNanoseconds / steps;
            }
            Array.Sort(chunks);
            perThread[t] = at < 0 ? double.NaN : chunks[chunks.Length / 2]; // `at` keeps the walk observable
        })).ToList();
        walkers.ForEach(w => w.Start());
        walkers.ForEach(w => w.Join());
        return perThread.Average();
    }

    private static int Walk(int[] chain, int at, int steps)
    {
        for (var i = 0; i < steps; i++) at = chain[at];
        return at;
    }

    /// <summary>CPU milliseconds one PostgreSQL backend spends on a fixed query, three times over (10 ms clock ticks).</summary>
    public static async Task<double> PostgresMsAsync(NpgsqlDataSource db)
    {
        await using var conn = await db.OpenConnectionAsync();
        await using var pid = new NpgsqlCommand("select pg_backend_pid()", conn);
        var backend = (int)(await pid.ExecuteScalarAsync())!;
        await using var kernel = new NpgsqlCommand("select sum(hashtext(i::text)::bigint) from generate_series(1, $1) i", conn);
        kernel.Parameters.AddWithValue(Waits.Smoke ? 10_000 : 1_000_000);
        await kernel.ExecuteScalarAsync(); // warm: the plan and the backend's caches
        var before = CpuMeter.Process(backend);
        for (var i = 0; i < 3; i++) await kernel.ExecuteScalarAsync();
        return (CpuMeter.Process(backend) - before).TotalMilliseconds;
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct Timespec { public long Seconds; public long Nanoseconds; }

    [DllImport("libc", EntryPoint = "clock_gettime")]
    private static extern int ClockGettime(int clock, out Timespec time);

    private const int ThreadCpuClock = 3; // CLOCK_THREAD_CPUTIME_ID: this thread's CPU, in nanoseconds

    private static TimeSpan ThreadCpu() =>
        ClockGettime(ThreadCpuClock, out var t) == 0
            ? TimeSpan.FromTicks(t.Seconds * TimeSpan.TicksPerSecond + t.Nanoseconds / 100)
            : TimeSpan.Zero;
}
