using Postcall.Hosting;

namespace Postcall.Conversations;

public static class ConversationServices
{
    public static IServiceCollection AddConversationApi(this IServiceCollection services)
    {
        services.AddSingleton(sp => new ApiKeyCheck(sp.GetRequiredService<PostcallSettings>().ApiKeys));
        services.AddSingleton<FailedAttemptLimiter>();
        services.AddSingleton<MediaTokens>();
        services.AddSingleton<ConversationDeletion>();
        services.AddHostedService<RetentionService>();
        return services;
    }
}
