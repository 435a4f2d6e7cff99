namespace Postcall.Receiving;

/// <summary>Why a body may not be spooled now. Each is temporary: the sender should retry.</summary>
internal enum SpoolRefusal
{
    /// <summary>This client already has as many bodies spooling as it may, and none finished in time: 429.</summary>
    ClientBusy,

    /// <summary>All clients together are at the limit of unverified bytes or bodies: 503.</summary>
    Busy,

    /// <summary>The disk would go below the free-space floor: 503.</summary>
    LowOnSpace,
}
