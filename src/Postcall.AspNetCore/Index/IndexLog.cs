namespace Postcall.Index;

/// <summary>What both indexes say the same way.</summary>
internal static partial class IndexLog
{
    /// <summary>
    /// The store could not be read while the index caught up with it: a bucket that does not exist or cannot be
    /// reached, wrong credentials, an unreadable folder. The fix is there, not in a reindex.
    /// </summary>
    [LoggerMessage(EventId = 3005, EventName = "PayloadsUnreadable", Level = LogLevel.Warning,
        Message = "Payloads in {Store} cannot be read, so the index cannot catch up with them; deliveries answer 503 until they can, and the index catches up by itself then: {Reason}")]
    public static partial void PayloadsUnreadable(ILogger logger, string store, string reason);
}
