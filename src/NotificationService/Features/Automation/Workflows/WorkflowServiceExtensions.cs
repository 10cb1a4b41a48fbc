using NotificationService.Contracts;
using NotificationService.Features.People.Inbox;
using NotificationService.Features.Sending.Notifications;
using NotificationService.Queue;

namespace NotificationService.Features.Automation.Workflows;

public static class WorkflowServiceExtensions
{
    public static IServiceCollection AddWorkflows(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSingleton(WorkflowOptions.From(configuration));
        services.AddSingleton<WorkflowStore>();
        services.AddSingleton<WorkflowValidation>();
        services.AddSingleton<RunStore>();
        services.AddSingleton<RunErasure>();
        services.AddSingleton<RunContexts>();
        services.AddSingleton<StepSender>();
        services.AddSingleton<RunEndings>();
        services.AddSingleton<WorkflowEngine>();
        services.AddSingleton<RunStarts>();
        services.AddSingleton<WorkflowTrigger>();
        services.AddSingleton<WorkflowTestRuns>();
        services.AddSingleton<WorkflowFanOutAccept>();
        services.AddSingleton<IJobHandler, WorkflowFanOutHandler>();   // on the topics' fan-out queue (Topics registers it)
        services.AddSingleton<RunCommands>();
        services.AddSingleton<WaitWakers>();
        services.AddSingleton<INotificationSubscriber>(sp => sp.GetRequiredService<WaitWakers>());   // statuses wake waits
        services.AddSingleton<IInboxReadSubscriber>(sp => sp.GetRequiredService<WaitWakers>());      // inbox reads wake waits
        services.AddSingleton(new WorkQueue(WorkflowStepJob.Queue));
        services.AddSingleton<IJobHandler, WorkflowStepHandler>();
        services.AddSingleton<IRetainedData, WorkflowRunRetention>();
        return services;
    }

    public static void MapWorkflows(this WebApplication app)
    {
        app.MapWorkflowAdmin();
        app.MapWorkflowRuns();
        app.MapWorkflowFanOuts();
        app.MapWorkflowTestRuns();
    }
}
