namespace Postcall.Tunnel;

/// <summary>
/// The loopback port that only the tunnel's agent is pointed at. Whatever arrives on it came through the tunnel: from
/// the internet, never local, with the client in the agent's <c>X-Forwarded-For</c>. The system picks the port when
/// the server binds it (port 0), so no other program can take it between a pick and the bind.
/// </summary>
internal sealed class TunnelListener
{
    private int _port;

    /// <summary>The port, once the server listens on it; 0 before.</summary>
    public int Port => Volatile.Read(ref _port);

    /// <summary>Whether a connection to <paramref name="localPort"/> on loopback may have come through the tunnel: before the port is known, any may have.</summary>
    public bool Carries(int localPort) => Port is var port && (port == 0 || port == localPort);

    internal void Bound(int port) => Volatile.Write(ref _port, port);
}
