namespace Postcall.Index;

/// <summary>The index cannot answer or write now (its file or its server); the payloads themselves are unaffected.</summary>
internal sealed class IndexUnavailableException : Exception
{
    public IndexUnavailableException()
    {
    }

    public IndexUnavailableException(string message)
        : base(message)
    {
    }

    public IndexUnavailableException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
