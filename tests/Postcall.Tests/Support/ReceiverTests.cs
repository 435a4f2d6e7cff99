namespace Postcall.Tests.Support;

/// <summary>Tests that run the built service as child processes in a working folder of their own, forwarding to a real receiver.</summary>
public abstract class ReceiverTests(string name) : IAsyncLifetime
{
    protected string WorkDir { get; } = Directory.CreateTempSubdirectory($"postcall-{name}-").FullName;

    protected ForwardReceiver Receiver { get; private set; } = null!;

    protected static CancellationToken Cancel => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync() => Receiver = await ForwardReceiver.StartAsync();

    public async ValueTask DisposeAsync()
    {
        GC.SuppressFinalize(this);
        await Receiver.DisposeAsync();
        Directory.Delete(WorkDir, recursive: true);
    }
}
