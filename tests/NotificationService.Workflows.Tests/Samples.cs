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
}
