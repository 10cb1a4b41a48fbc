using NotificationService.Features.Sending.Notifications;

namespace NotificationService.Tests.Features.Sending.Notifications.Ledger;

public class StatusMachineTests
{
    [Theory]
    [InlineData("sent", "delivered", "delivered")]
    [InlineData("delivered", "sent", "")]                       // a late sent never overwrites delivered
    [InlineData("delivered", "delivered", "")]                  // duplicates change nothing
    [InlineData("sent", "read", "delivered,read")]              // read implies delivered
    [InlineData("sent", "opened", "delivered,opened")]
    [InlineData("opened", "clicked", "clicked")]
    [InlineData("clicked", "opened", "")]
    [InlineData("sending", "failed", "failed")]
    [InlineData("sent", "failed", "failed")]
    [InlineData("delivered", "failed", "")]                     // a failure after delivery is not believed
    [InlineData("failed", "delivered", "")]                     // terminal stays terminal
    [InlineData("suppressed", "sent", "")]
    [InlineData("cancelled", "delivered", "")]
    public void Transitions_only_move_forward(string current, string next, string expected) =>
        Assert.Equal(expected, string.Join(',', StatusMachine.Steps(current, next)));

    [Fact]
    public void Folding_out_of_order_events_ends_at_the_furthest_status_with_one_step_each()
    {
        var events = new[] { "read", "sent", "delivered", "read" }.Select(s => new ReportedStatus(null, "m", s, s, null, null)).ToList();
        var steps = StatusMachine.Fold("sent", events);
        Assert.Equal(["delivered", "read"], steps.Select(s => s.Status));
        Assert.Equal(["sent", "delivered"], steps.Select(s => s.PreviousStatus));
        Assert.Equal("implied by read", steps[0].Detail);
    }
}
