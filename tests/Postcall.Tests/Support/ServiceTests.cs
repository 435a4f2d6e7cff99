namespace Postcall.Tests.Support;

/// <summary>Tests that each get a fresh service, in memory, with its own empty payload root.</summary>
public abstract class ServiceTests : IAsyncLifetime
{
    protected PostcallFactory Factory { get; } = new();

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public ValueTask DisposeAsync()
    {
        GC.SuppressFinalize(this);
        return Factory.DisposeAsync();
    }
}
