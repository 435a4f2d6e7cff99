using Postcall.Storage;

namespace Postcall.Hosting;

/// <summary>Where payloads go when <c>POSTCALL_STORAGE_URL</c> is set.</summary>
internal interface ISharedStorageEngine : ISharedEngine
{
    IPayloadStore CreateStore(IServiceProvider services);
}
