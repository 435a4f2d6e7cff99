namespace Postcall.Calls;

/// <summary>The index or the storage cannot answer now (a disk, a bucket or a database in trouble); retry later.</summary>
public sealed class ArchiveUnavailableException : Exception
{
    /// <summary>Makes one with no message.</summary>
    public ArchiveUnavailableException()
    {
    }

    /// <summary>Makes one that says what cannot answer.</summary>
    /// <param name="message">What cannot answer, without secrets.</param>
    public ArchiveUnavailableException(string message)
        : base(message)
    {
    }

    /// <summary>Makes one that says what cannot answer, and why.</summary>
    /// <param name="message">What cannot answer, without secrets.</param>
    /// <param name="innerException">The engine's own failure.</param>
    public ArchiveUnavailableException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
