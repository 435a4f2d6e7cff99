using Postcall.Storage;

namespace Postcall.Index;

public static class IndexServices
{
    public static IServiceCollection AddConversationIndex(this IServiceCollection services)
    {
        services.AddSingleton(sp => new ConversationIndex(
            Path.Combine(sp.GetRequiredService<PayloadStore>().StateDirectory, ConversationIndex.FileName)));
        services.AddSingleton<ConversationIndexer>();
        services.AddHostedService(sp => sp.GetRequiredService<ConversationIndexer>());
        return services;
    }
}
