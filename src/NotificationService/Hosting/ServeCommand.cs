namespace NotificationService.Hosting;

/// <summary>`serve`: builds the web host from <see cref="ServiceComposition"/> and runs it.</summary>
public static class ServeCommand
{
    public static async Task<int> RunAsync(string[] args, CancellationToken ct)
    {
        var app = await ServiceComposition.BuildAsync(args);
        await app.RunAsync();
        return 0;
    }
}
