using System.Net;
using System.Net.Http.Headers;
using Microsoft.Extensions.Time.Testing;
using Postcall.Hosting;
using Postcall.Tests.Support;

namespace Postcall.Tests.Conversations;

/// <summary>A fresh service per test with the read API turned on, and helpers to store and read conversations.</summary>
public abstract class ApiTests : IAsyncLifetime
{
    public const string Key = "api-test-key-5b0c9e7a21";

    protected ApiTests(Dictionary<string, string?>? settings = null, FakeTimeProvider? time = null)
    {
        var all = new Dictionary<string, string?> { [PostcallSettings.ApiKeyVariable] = Key };
        foreach (var (name, value) in settings ?? [])
        {
            all[name] = value;
        }

        Factory = new PostcallFactory(all, time);
    }

    protected PostcallFactory Factory { get; }

    protected static CancellationToken Ct => TestContext.Current.CancellationToken;

    protected HttpClient Api(string key = Key)
    {
        var client = Factory.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        return client;
    }

    protected Task StoreAsync(string body) => DemoCalls.SendAsync(Factory.CreateClient(), body);

    protected async Task<Envelope> GetAsync(string path) => await Envelope.SendAsync(Api(), new HttpRequestMessage(HttpMethod.Get, path));

    protected async Task<List<string>> ListIdsAsync(string query = "")
    {
        var page = await GetAsync($"/api/conversations{query}");
        Assert.Equal(HttpStatusCode.OK, page.Status);
        return [.. page.Data.GetProperty("conversations").EnumerateArray().Select(c => c.GetProperty("conversation_id").GetString()!)];
    }

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public ValueTask DisposeAsync()
    {
        GC.SuppressFinalize(this);
        return Factory.DisposeAsync();
    }
}
