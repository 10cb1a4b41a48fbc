using NotificationService.Features.Sending.Templates;

namespace NotificationService.Tests.Features.Sending.Templates;

/// <summary>The console editor's starting sample data: shaped like the analyzer's variable paths, with values that read as what they name.</summary>
public class SampleDataTests
{
    [Fact]
    public void Paths_become_nested_objects_and_arrays_with_values_guessed_from_their_names()
    {
        var data = SampleData.Build(["user", "user.firstName", "appName", "items", "items[].title", "items[].price", "orderId", "weekOf", "user.email", "actionUrl", "@index", "carrier"]);

        Assert.Equal("Ada", data["user"]!["firstName"]!.GetValue<string>());        // a path under an earlier leaf makes it an object
        Assert.Equal("ada@example.com", data["user"]!["email"]!.GetValue<string>());
        Assert.Equal("Acme", data["appName"]!.GetValue<string>());
        var item = Assert.Single(data["items"]!.AsArray())!;                          // items[].x: an array of one object
        Assert.Equal("title", item["title"]!.GetValue<string>());
        Assert.Equal(3, item["price"]!.GetValue<int>());
        Assert.Equal("A1001", data["orderId"]!.GetValue<string>());
        Assert.Equal("2026-01-05T09:00:00Z", data["weekOf"]!.GetValue<string>());
        Assert.StartsWith("https://", data["actionUrl"]!.GetValue<string>());
        Assert.Equal("carrier", data["carrier"]!.GetValue<string>());               // nothing to guess from: its own name
        Assert.Null(data["@index"]);                                                 // the engine's, not the data's
    }
}
