using Postcall.Index;
using Postcall.Storage;

namespace Postcall.Hosting;

/// <summary>
/// Takes the store's local state when the host starts, before the index writer and the forward dispatcher: sweeps what
/// a crash left, and says where calls are kept. A payload root another process holds stops the start (two writers on
/// one root would delete each other's bodies in flight); a disk that refuses does not: health still answers and
/// deliveries answer 503, which ElevenLabs retries, until it is fixed.
/// </summary>
internal sealed partial class StoragePreparation(IPayloadStore store, IConversationIndex index, PostcallSettings settings, ILogger<StoragePreparation> logger)
    : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        try
        {
            var removed = store.Initialize();
            StorageReady(logger, store.Location, removed);
            if (settings.IsShared)
            {
                SharedMode(logger, store.Location, index.Location, store.LocalState.Folder);
            }
            else
            {
                SingleInstance(logger, store.Location, index.Location);
            }
        }
        catch (RootInUseException e)
        {
            throw new SettingsException(e.Message, e);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            StorageNotReady(logger, store.Location, e.Message);
        }

        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(EventId = 100, EventName = "StorageReady", Level = LogLevel.Information,
        Message = "Storing payloads under {Root} ({Removed} stale temp files removed)")]
    private static partial void StorageReady(ILogger logger, string root, int removed);

    [LoggerMessage(EventId = 105, EventName = "SharedMode", Level = LogLevel.Information,
        Message = "Shared mode: payloads in {Store}, index, leases and media-link key in {Database}; several instances may serve these calls (this one's local state: {LocalState})")]
    private static partial void SharedMode(ILogger logger, string store, string database, string localState);

    [LoggerMessage(EventId = 106, EventName = "SingleInstance", Level = LogLevel.Information,
        Message = "Single-instance mode: payloads in {Store}, index in {Index}. Run one instance on these; several need both POSTCALL_DATABASE_URL and POSTCALL_STORAGE_URL")]
    private static partial void SingleInstance(ILogger logger, string store, string index);

    [LoggerMessage(EventId = 101, EventName = "StorageNotReady", Level = LogLevel.Error,
        Message = "Storage root {Root} is not usable: {Reason}")]
    private static partial void StorageNotReady(ILogger logger, string root, string reason);
}
