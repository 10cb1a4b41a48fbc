namespace NotificationService.Sample;

public static class Program
{
    public static Task Main(string[] args) => SampleApp.Build(args).RunAsync();
}
