using System.Net;
using System.Text;
using Postcall.Http;
using Postcall.Tests.Support;

namespace Postcall.Tests.Conversations;

public sealed class DeleteTests : ApiTests
{
    private async Task<Envelope> DeleteAsync(string id) =>
        await Envelope.SendAsync(Api(), new HttpRequestMessage(HttpMethod.Delete, $"/api/conversations/{id}"));

    [Fact]
    public async Task Deleting_removes_every_file_and_the_index_entry()
    {
        await StoreAsync(Encoding.UTF8.GetString(Fixtures.Bytes("post_call_transcription.json")));
        await StoreAsync(Deliveries.Audio("abc", Fixtures.Bytes("sample_call.mp3")));
        await StoreAsync(Encoding.UTF8.GetString(Fixtures.Bytes("call_initiation_failure_sip.json")));
        await StoreAsync(Deliveries.Transcription("keep"));

        var deleted = await DeleteAsync("abc");
        Assert.Equal(HttpStatusCode.OK, deleted.Status);
        Assert.Equal(3, deleted.Data.GetProperty("deleted_files").GetInt32());

        Assert.False(Directory.Exists(Path.Combine(Factory.PayloadRoot, "abc")));
        Assert.Equal(["keep"], await ListIdsAsync());
        Assert.Empty(await ListIdsAsync("?q=angelo"));
        Assert.Equal(ErrorCodes.ConversationNotFound, (await GetAsync("/api/conversations/abc")).AssertError(HttpStatusCode.NotFound));
        Assert.Equal(ErrorCodes.ConversationNotFound, (await DeleteAsync("abc")).AssertError(HttpStatusCode.NotFound));
        Assert.True(File.Exists(Path.Combine(Factory.PayloadRoot, "keep", "keep_transcription.json")));
    }

    [Theory]
    [InlineData("nobody")]
    [InlineData("..%2Fkeep")]
    [InlineData(".postcall")]
    public async Task Nothing_else_can_be_deleted(string id)
    {
        await StoreAsync(Deliveries.Transcription("keep"));
        Assert.Equal(HttpStatusCode.NotFound, (await DeleteAsync(id)).Status);
        Assert.True(File.Exists(Path.Combine(Factory.PayloadRoot, "keep", "keep_transcription.json")));
        Assert.True(Directory.Exists(Path.Combine(Factory.PayloadRoot, ".postcall")));
    }

    [Fact]
    public async Task A_conversation_delivered_again_after_deletion_is_stored_anew()
    {
        await StoreAsync(Deliveries.Transcription("again"));
        Assert.Equal(HttpStatusCode.OK, (await DeleteAsync("again")).Status);
        await StoreAsync(Deliveries.Transcription("again"));
        Assert.Equal(["again"], await ListIdsAsync());
    }
}
