using Postcall.Coordination;
using Postcall.Forwarding;
using Postcall.Index;

namespace Postcall.Hosting;

/// <summary>Where the index, the outbox and the job leases live when <c>POSTCALL_DATABASE_URL</c> is set.</summary>
internal interface ISharedDatabaseEngine : ISharedEngine
{
    IConversationIndex CreateIndex(IServiceProvider services);

    IForwardOutbox CreateOutbox(IServiceProvider services);

    IJobLeases CreateLeases(IServiceProvider services);
}
