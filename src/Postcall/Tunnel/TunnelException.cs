namespace Postcall.Tunnel;

/// <summary>The tunnel could not be opened; the message is meant for the person at the terminal.</summary>
internal sealed class TunnelException : Exception
{
    public TunnelException()
    {
    }

    public TunnelException(string message)
        : base(message)
    {
    }

    public TunnelException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
