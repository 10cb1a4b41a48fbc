namespace NotificationService.Workflows.Tests;

/// <summary>The escalation example, as the README shows it.</summary>
public static class Samples
{
    public const string Escalation = """
        {"key": "order-update", "name": "Order update", "category": "orders", "steps": [
          {"id": "inbox", "type": "send", "channel": "in_app", "template": "order-update"},
          {"id": "wait-read", "type": "waitFor", "step": "inbox", "status": ["read"], "timeout": "PT30M",
           "then": [],
           "onTimeout": [
             {"id": "mail", "type": "send", "channel": "email", "template": "order-update-email"},
             {"id": "wait-mail", "type": "waitFor", "step": "mail", "status": ["failed", "skipped"], "timeout": "PT1H",
              "then": [{"id": "text", "type": "send", "channel": "sms", "template": "order-update-sms"}]}]},
          {"id": "vip", "type": "branch", "arms": [{"when": "recipient.data.tier == 'gold'", "steps": [
             {"id": "thanks", "type": "send", "channel": "email", "template": "gold-thanks"}]}], "otherwise": []}
        ]}
        """;

    /// <summary>The digest and throttle steps of the comment-thread example.</summary>
    public const string Batch = """{"id":"batch","type":"digest","key":"data.threadId","window":{"fixed":"PT1H"},"maxEvents":1000,"keep":{"first":3,"last":3}}""";
    public const string Calm = """{"id":"calm","type":"throttle","key":"data.alert","limit":5,"window":"PT1H"}""";
}
