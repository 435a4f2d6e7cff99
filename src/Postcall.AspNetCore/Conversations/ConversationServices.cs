using Postcall.Access;
using Postcall.Hosting;

namespace Postcall.Conversations;

internal static class ConversationServices
{
    public static IServiceCollection AddConversationApi(this IServiceCollection services)
    {
        services.AddSingleton(sp => new ApiKeyCheck(sp.GetRequiredService<PostcallSettings>().ReadKeys));
        services.AddKeyedSingleton(ApiKeyFilter.AdminKeys, (sp, _) => new ApiKeyCheck(sp.GetRequiredService<PostcallSettings>().AdminKeys));
        services.AddSingleton<FailedAttemptLimiter>();
        services.AddSingleton<MediaTokens>();
        services.AddSingleton<ConversationDeletion>();
        services.AddHostedService<RetentionService>();
        services.AddHostedService<MissingAudioWatch>();
        return services;
    }
}
