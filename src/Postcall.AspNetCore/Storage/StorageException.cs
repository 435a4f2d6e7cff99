namespace Postcall.Storage;

/// <summary>
/// The disk refused a write (full, read-only, permissions). Distinct from a client's I/O errors so a delivery
/// can be answered 503, which ElevenLabs retries, rather than 400.
/// </summary>
internal sealed class StorageException : IOException
{
    public StorageException()
    {
    }

    public StorageException(string message)
        : base(message)
    {
    }

    public StorageException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public static T Guard<T>(Func<T> action)
    {
        ArgumentNullException.ThrowIfNull(action);
        try
        {
            return action();
        }
        catch (Exception e) when (IsStorageFailure(e))
        {
            throw new StorageException("The storage root refused a write.", e);
        }
    }

    public static async Task<T> Guard<T>(Func<Task<T>> action)
    {
        ArgumentNullException.ThrowIfNull(action);
        try
        {
            return await action();
        }
        catch (Exception e) when (IsStorageFailure(e))
        {
            throw new StorageException("The storage root refused a write.", e);
        }
    }

    public static async Task Guard(Func<Task> action)
    {
        ArgumentNullException.ThrowIfNull(action);
        await Guard(async () =>
        {
            await action();
            return true;
        });
    }

    private static bool IsStorageFailure(Exception e) => e is IOException or UnauthorizedAccessException && e is not StorageException;
}
