using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Postcall.Index;
using Postcall.Tests.Support;

namespace Postcall.Tests.Observability;

public sealed class ReadinessTests
{
    private static async Task<Envelope> ReadyAsync(PostcallFactory factory)
    {
        using var response = await factory.CreateClient().GetAsync(new Uri("/health/ready", UriKind.Relative), TestContext.Current.CancellationToken);
        return await Envelope.ReadAsync(response);
    }

    [Fact]
    public async Task Ready_turns_503_naming_storage_while_the_root_is_unwritable_and_back_to_200()
    {
        await using var factory = new PostcallFactory();
        var ready = await ReadyAsync(factory);
        Assert.Equal(HttpStatusCode.OK, ready.Status);
        Assert.Equal("storage", ready.Data[0].GetProperty("name").GetString());

        // A file where the service's state folder must be: nothing can be written under the root. The index opens in
        // the background after start-up; until it has, it may still be creating its files in that folder.
        await factory.Services.GetRequiredService<IConversationIndex>().WhenOpenedAsync(TestContext.Current.CancellationToken);
        var state = Path.Combine(factory.PayloadRoot, ".postcall");
        Directory.Delete(state, recursive: true);
        await File.WriteAllTextAsync(state, "in the way", TestContext.Current.CancellationToken);
        var notReady = await ReadyAsync(factory);
        Assert.Equal("not_ready", notReady.AssertError(HttpStatusCode.ServiceUnavailable));
        Assert.StartsWith("Not ready: storage:", notReady.Field("message"), StringComparison.Ordinal);

        File.Delete(state);
        Assert.Equal(HttpStatusCode.OK, (await ReadyAsync(factory)).Status);
        PayloadRootAssertions.NothingStored(factory.PayloadRoot);
    }

    [Fact]
    public async Task Ready_is_503_while_no_conversation_folder_can_be_made_though_the_state_folder_is_writable()
    {
        await using var factory = new PostcallFactory();
        var client = factory.CreateClient();
        Assert.Equal(HttpStatusCode.OK, (await ReadyAsync(factory)).Status);

        // Tests run as root, where file modes do not stop writes: the immutable flag does. The root refuses new
        // entries while its .postcall folder (temp files, the index) stays writable.
        using (new Immutable(factory.PayloadRoot))
        {
            var notReady = await ReadyAsync(factory);
            Assert.Equal("not_ready", notReady.AssertError(HttpStatusCode.ServiceUnavailable));
            Assert.StartsWith("Not ready: storage: conversations cannot be stored", notReady.Field("message"), StringComparison.Ordinal);
            using var delivery = await client.SendAsync(Deliveries.SignedRequest(Deliveries.Transcription("blocked")), TestContext.Current.CancellationToken);
            Assert.Equal(HttpStatusCode.ServiceUnavailable, delivery.StatusCode);
        }

        Assert.Equal(HttpStatusCode.OK, (await ReadyAsync(factory)).Status);
        PayloadRootAssertions.NothingStored(factory.PayloadRoot);
    }

    [Fact]
    public async Task Ready_is_503_when_free_space_is_below_the_floor()
    {
        await using var factory = new PostcallFactory(new() { ["POSTCALL_MIN_FREE_BYTES"] = "1000000000000000000" });
        var notReady = await ReadyAsync(factory);
        Assert.Equal("not_ready", notReady.AssertError(HttpStatusCode.ServiceUnavailable));
        Assert.Contains("POSTCALL_MIN_FREE_BYTES", notReady.Field("message"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Liveness_keeps_answering_while_not_ready()
    {
        await using var factory = new PostcallFactory(new() { ["POSTCALL_MIN_FREE_BYTES"] = "1000000000000000000" });
        using var health = await factory.CreateClient().GetAsync(new Uri("/health", UriKind.Relative), TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
    }
}
