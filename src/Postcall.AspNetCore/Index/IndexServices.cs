using Postcall.Hosting;
using Postcall.Sqlite;

namespace Postcall.Index;

internal static class IndexServices
{
    /// <summary>
    /// The conversation index: the shared engine's when <c>POSTCALL_DATABASE_URL</c> is set (Postcall.PostgreSql: shared
    /// by instances, part of each commit), else a SQLite file in this process's local state (a cache of the store).
    /// </summary>
    public static IServiceCollection AddConversationIndex(this IServiceCollection services)
    {
        services.AddSingleton(sp => new SqliteIndexFile(SqliteIndexFile.PathUnder(sp.GetRequiredService<PostcallSettings>().PayloadPath)));
        services.AddSingleton<SqliteConversationIndex>();
        services.AddSingleton(sp => sp.GetRequiredService<PostcallSettings>().DatabaseUrl is null
            ? sp.GetRequiredService<SqliteConversationIndex>()
            : sp.GetRequiredService<ISharedDatabaseEngine>().CreateIndex(sp));
        services.AddSingleton<IIndexRebuilder>(sp => sp.GetRequiredService<PostcallSettings>().DatabaseUrl is null
            ? ActivatorUtilities.CreateInstance<SqliteFileRebuilder>(sp)
            : new SharedIndexRebuilder(sp.GetRequiredService<IConversationIndex>()));
        // Either one opens (or migrates) and catches up in the background.
        services.AddSingleton<IHostedService>(sp => (IHostedService)sp.GetRequiredService<IConversationIndex>());
        return services;
    }
}
