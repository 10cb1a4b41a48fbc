using Npgsql;

namespace NotificationService.Bench;

/// <summary>What the numbers were measured on.</summary>
public sealed record Machine(int Cores, string Memory, string CpuModel, string PostgresVersion, string DotnetVersion)
{
    public static async Task<Machine> DescribeAsync(string connectionString)
    {
        var cpu = File.Exists("/proc/cpuinfo")
            ? File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name"))?.Split(':', 2)[1].Trim() ?? "unknown"
            : "unknown";
        var memory = "unknown";
        if (File.Exists("/proc/meminfo"))
        {
            var line = File.ReadLines("/proc/meminfo").FirstOrDefault(l => l.StartsWith("MemTotal:"));
            if (line is not null && long.TryParse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], out var kb))
                memory = $"{kb / 1024.0 / 1024.0:0.0} GiB";
        }
        await using var conn = new NpgsqlConnection(connectionString);
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand("show server_version", conn);
        var pg = (string)(await cmd.ExecuteScalarAsync())!;
        return new Machine(Environment.ProcessorCount, memory, cpu, pg, Environment.Version.ToString());
    }
}
