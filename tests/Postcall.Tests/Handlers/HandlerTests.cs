using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Postcall.ElevenLabs;
using Postcall.Forwarding;
using Postcall.Handlers;
using Postcall.Tests.Forwarding;
using Postcall.Tests.Support;

namespace Postcall.Tests.Handlers;

/// <summary>
/// A handler is a destination of another kind: each stored call reaches it as its typed event, after the commit, at
/// least once, in a scope of its own, retried, dead and replayed as a forward is; on files and SQLite, and on S3 and
/// PostgreSQL.
/// </summary>
public sealed class HandlerTests(SharedEngines engines)
{
    private const string Name = "recorder";
    private const string DestinationId = "handler_" + Name;

    public static TheoryData<bool> BothEngines => [false, true];

    private static void Recorder(IServiceCollection services, HandlerLog log, Action<PostCallHandlerOptions>? configure = null)
    {
        services.AddSingleton(log);
        services.AddScoped<AttemptScope>();
        services.AddPostCallHandler<RecordingHandler>(Name, configure);
    }

    private async Task<Dictionary<string, string?>?> EngineSettingsAsync(bool shared) =>
        shared ? (await engines.SharedSettingsAsync(prefix: "handlers")).ToDictionary(p => p.Key, p => (string?)p.Value) : null;

    [Theory]
    [MemberData(nameof(BothEngines))]
    [Trait("Needs", "engines")]
    public async Task Each_stored_call_reaches_the_handler_once_as_its_typed_event(bool shared)
    {
        var log = new HandlerLog();
        await using var host = await ForwardingHost.StartAsync(fromEnvironment: false, settings: await EngineSettingsAsync(shared), services: s => Recorder(s, log));
        var suffix = shared ? "s" : "f";
        var mp3 = Fixtures.Bytes("sample_call.mp3");

        Assert.Equal(HttpStatusCode.OK, (await host.DeliverAsync(Deliveries.Transcription($"hnd-t-{suffix}"))).Status);
        Assert.Equal(HttpStatusCode.OK, (await host.DeliverAsync(Deliveries.Audio($"hnd-a-{suffix}", mp3))).Status);
        Assert.Equal(HttpStatusCode.OK, (await host.DeliverAsync(Deliveries.Failure($"hnd-f-{suffix}"))).Status);
        Assert.Equal(HttpStatusCode.OK, (await host.DeliverAsync(
            $$$"""{"type":"post_call_summary","event_timestamp":{{{Deliveries.Now}}},"data":{"agent_id":"agent-1","conversation_id":"hnd-o-{{{suffix}}}","summary":"kept"}}"""))
            .Status);

        var calls = await log.WaitForAsync(4);
        var byId = calls.ToDictionary(c => c.Event.ConversationId);
        var transcription = Assert.IsType<TranscriptionEvent>(byId[$"hnd-t-{suffix}"].Event);
        Assert.Equal(ConversationStatus.Done, transcription.Data.Status);
        Assert.Equal("transcription", byId[$"hnd-t-{suffix}"].Context.Kind);
        Assert.IsType<AudioEvent>(byId[$"hnd-a-{suffix}"].Event);
        Assert.Equal(mp3, byId[$"hnd-a-{suffix}"].Audio);
        Assert.Equal("audio", byId[$"hnd-a-{suffix}"].Context.Kind);
        Assert.IsType<CallInitiationFailureEvent>(byId[$"hnd-f-{suffix}"].Event);
        var unknown = Assert.IsType<UnknownEvent>(byId[$"hnd-o-{suffix}"].Event);
        Assert.Equal("kept", unknown.Data.GetProperty("summary").GetString());
        Assert.Equal("other", byId[$"hnd-o-{suffix}"].Context.Kind);
        foreach (var call in calls)
        {
            Assert.Equal(Name, call.Context.HandlerName);
            Assert.Equal(1, call.Context.Attempt);
            Assert.False(call.Context.IsReplay);
            Assert.InRange(call.Context.RecordedAt, DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow);
            // The delivery id is the forward's: what the API lists for it, delivered.
            var forward = Assert.Single(await host.ForwardsAsync(call.Event.ConversationId, f => ForwardingHost.AllHaveStatus(f, "delivered")));
            Assert.Equal(call.Context.DeliveryId, forward.GetProperty("id").GetString());
            Assert.Equal(DestinationId, forward.GetProperty("destination_id").GetString());
        }

        // One scope per attempt, each disposed after it.
        Assert.Equal(4, calls.Select(c => c.Scope).Distinct().Count());
        // Time for a second call, if any were made.
        await Task.Delay(1500, TestContext.Current.CancellationToken);
        Assert.Equal(4, log.Calls.Count);
    }

    [Fact]
    [Trait("Needs", "engines")]
    public async Task In_shared_mode_each_delivery_reaches_the_handler_of_one_instance_once()
    {
        var log = new HandlerLog { Delay = TimeSpan.FromMilliseconds(20) };
        var settings = await EngineSettingsAsync(shared: true);
        await using var first = await ForwardingHost.StartAsync(fromEnvironment: false, settings: settings, services: s => Recorder(s, log));
        await using var second = await ForwardingHost.StartAsync(fromEnvironment: false, settings: settings, services: s => Recorder(s, log));

        const int Calls = 30;
        await Parallel.ForEachAsync(Enumerable.Range(0, Calls), new ParallelOptions { MaxDegreeOfParallelism = 6, CancellationToken = TestContext.Current.CancellationToken },
            async (i, _) => Assert.Equal(HttpStatusCode.OK, (await (i % 2 == 0 ? first : second).DeliverAsync(Deliveries.Transcription($"hnd-two-{i:D2}"))).Status));

        await log.WaitForAsync(Calls);
        // Time for a second call of any of them, were one to be made.
        await Task.Delay(2000, TestContext.Current.CancellationToken);
        var calls = log.Calls.ToArray();
        Assert.Equal(Calls, calls.Length);
        Assert.Equal(Calls, calls.Select(c => c.Context.DeliveryId).Distinct().Count());
        Assert.Equal(Calls, calls.Select(c => c.Event.ConversationId).Distinct().Count());
    }

    [Fact]
    public async Task A_handler_is_listed_beside_http_destinations_and_only_paused_or_resumed_through_the_api()
    {
        var log = new HandlerLog();
        await using var host = await ForwardingHost.StartAsync(fromEnvironment: true, services: s => Recorder(s, log, o =>
        {
            o.Kinds.Add("transcription");
            o.Timeout = TimeSpan.FromSeconds(5);
            o.Concurrency = 2;
        }));

        var list = await host.GetAsync("/api/destinations");
        var destinations = list.Data.GetProperty("destinations").EnumerateArray().ToArray();
        Assert.Equal(2, destinations.Length);
        var handler = Assert.Single(destinations, d => d.GetProperty("id").GetString() == DestinationId);
        Assert.Equal("handler", handler.GetProperty("source").GetString());
        Assert.Equal("postcall-handler:" + Name, handler.GetProperty("url").GetString());
        Assert.Equal(["transcription"], handler.GetProperty("kinds").EnumerateArray().Select(k => k.GetString()));
        Assert.Equal(5, handler.GetProperty("timeout_seconds").GetDouble());
        Assert.Equal(2, handler.GetProperty("concurrency").GetInt32());

        var change = await host.PatchAsync($"/api/destinations/{DestinationId}", new { Url = "https://example.com/hook" });
        Assert.Equal("destination_is_handler", change.AssertError(HttpStatusCode.Conflict));

        // Paused, it is given nothing; resumed, it is given what waited.
        Assert.Equal(HttpStatusCode.OK, (await host.PatchAsync($"/api/destinations/{DestinationId}", new { Enabled = false })).Status);
        Assert.Equal(HttpStatusCode.OK, (await host.DeliverAsync(Deliveries.Transcription("hnd-paused"))).Status);
        await host.Receiver.WaitForAsync(_ => true);
        Assert.Empty(log.Calls);
        // Only the kinds it named.
        Assert.Equal(HttpStatusCode.OK, (await host.DeliverAsync(Deliveries.Failure("hnd-not-mine"))).Status);
        Assert.Equal(HttpStatusCode.OK, (await host.PatchAsync($"/api/destinations/{DestinationId}", new { Enabled = true })).Status);
        var call = Assert.Single(await log.WaitForAsync(1));
        Assert.Equal("hnd-paused", call.Event.ConversationId);
        await Task.Delay(1500, TestContext.Current.CancellationToken);
        Assert.Single(log.Calls);
    }

    [Fact]
    public async Task A_throwing_handler_is_retried_then_dead_and_a_replay_reaches_it_again()
    {
        var log = new HandlerLog { FailFirst = 3 };
        await using var host = await ForwardingHost.StartAsync(fromEnvironment: false, schedule: "0s,100ms,100ms", services: s => Recorder(s, log));

        Assert.Equal(HttpStatusCode.OK, (await host.DeliverAsync(Deliveries.Transcription("hnd-throws"))).Status);

        var dead = Assert.Single(await host.ForwardsAsync("hnd-throws", f => ForwardingHost.AllHaveStatus(f, "dead")));
        Assert.Equal(3, dead.GetProperty("attempts").GetInt32());
        var id = dead.GetProperty("id").GetString()!;
        var detail = await host.GetAsync($"/api/forwards/{id}");
        var attempts = detail.Data.GetProperty("attempt_log").EnumerateArray().ToArray();
        Assert.Equal(3, attempts.Length);
        Assert.All(attempts, a => Assert.Contains("InvalidOperationException: the downstream system is down", a.GetProperty("error").GetString(), StringComparison.Ordinal));
        Assert.Equal([1, 2, 3], log.Calls.Select(c => c.Context.Attempt));
        Assert.All(log.Calls, c => Assert.Equal(id, c.Context.DeliveryId));

        Assert.Equal(HttpStatusCode.OK, (await host.PostAsync($"/api/forwards/{id}/retry")).Status);

        Assert.Single(await host.ForwardsAsync("hnd-throws", f => ForwardingHost.AllHaveStatus(f, "delivered")));
        var replayed = (await log.WaitForAsync(4))[3];
        Assert.Equal(4, replayed.Context.Attempt);
        Assert.True(replayed.Context.IsReplay);
        Assert.Equal(id, replayed.Context.DeliveryId);
    }

    [Fact]
    public async Task A_replay_of_the_call_is_a_new_delivery_marked_as_a_replay()
    {
        var log = new HandlerLog();
        await using var host = await ForwardingHost.StartAsync(fromEnvironment: false, services: s => Recorder(s, log));
        Assert.Equal(HttpStatusCode.OK, (await host.DeliverAsync(Deliveries.Transcription("hnd-again"))).Status);
        var first = Assert.Single(await log.WaitForAsync(1));

        Assert.Equal(HttpStatusCode.OK, (await host.PostAsync("/api/conversations/hnd-again/forward")).Status);

        var second = (await log.WaitForAsync(2))[1];
        Assert.NotEqual(first.Context.DeliveryId, second.Context.DeliveryId);
        Assert.True(second.Context.IsReplay);
        Assert.Equal(1, second.Context.Attempt);
        Assert.False(first.Context.IsReplay);
    }

    [Fact]
    public async Task A_handler_past_its_timeout_is_a_failed_attempt_even_when_it_ignores_its_token()
    {
        var log = new HandlerLog { Delay = TimeSpan.FromSeconds(3), IgnoreToken = true };
        await using var host = await ForwardingHost.StartAsync(fromEnvironment: false, schedule: "0s", services: s => Recorder(s, log, o => o.Timeout = TimeSpan.FromMilliseconds(300)));

        Assert.Equal(HttpStatusCode.OK, (await host.DeliverAsync(Deliveries.Transcription("hnd-slow"))).Status);

        var dead = Assert.Single(await host.ForwardsAsync("hnd-slow", f => ForwardingHost.AllHaveStatus(f, "dead")));
        Assert.Equal("timed out after 0.3 s", dead.GetProperty("last_error").GetString());
    }

    [Fact]
    public async Task Work_for_a_handler_this_instance_lacks_waits_pending_for_one_that_has_it()
    {
        var log = new HandlerLog();
        var root = Directory.CreateTempSubdirectory("postcall-handlers-").FullName;
        var settings = new Dictionary<string, string?> { [Postcall.Hosting.PostcallSettings.PayloadPathVariable] = root };
        // The first instance has no handler; the outbox knows one, as when another instance registered it.
        await using (var without = await ForwardingHost.StartAsync(fromEnvironment: false, settings: settings))
        {
            var outbox = without.Factory.Services.GetRequiredService<IForwardOutbox>();
            await outbox.SaveDestinationAsync(new Destination
            {
                Id = DestinationId,
                Url = Destination.HandlerUrlOf(Name),
                Secret = string.Empty,
                Source = DestinationSource.Handler,
                CreatedAt = DateTimeOffset.UtcNow,
            }, TestContext.Current.CancellationToken);

            Assert.Equal(HttpStatusCode.OK, (await without.DeliverAsync(Deliveries.Transcription("hnd-waits"))).Status);
            var pending = Assert.Single(await without.ForwardsAsync("hnd-waits", f => f.Length == 1));
            // Several of the dispatcher's rounds.
            await Task.Delay(2000, TestContext.Current.CancellationToken);
            pending = Assert.Single(await without.ForwardsAsync("hnd-waits", f => f.Length == 1));
            Assert.Equal("pending", pending.GetProperty("status").GetString());
            Assert.Equal(0, pending.GetProperty("attempts").GetInt32());
        }

        // The next instance on the same storage has it, and is given what waited.
        await using var with = await ForwardingHost.StartAsync(fromEnvironment: false, settings: settings, services: s => Recorder(s, log));
        var call = Assert.Single(await log.WaitForAsync(1));
        Assert.Equal("hnd-waits", call.Event.ConversationId);
        Assert.Equal(1, call.Context.Attempt);
        Directory.Delete(root, recursive: true);
    }

    [Fact]
    public void A_name_or_options_that_are_not_valid_are_refused_at_registration()
    {
        var services = new ServiceCollection();
        services.AddPostCallHandler<RecordingHandler>("ok");

        Assert.Throws<ArgumentException>(() => services.AddPostCallHandler<RecordingHandler>("ok"));
        Assert.Throws<ArgumentException>(() => services.AddPostCallHandler<RecordingHandler>("no spaces"));
        Assert.Throws<ArgumentException>(() => services.AddPostCallHandler<RecordingHandler>(new string('a', 65)));
        Assert.Throws<ArgumentException>(() => services.AddPostCallHandler<RecordingHandler>("kinds", o => o.Kinds.Add("transcript")));
        Assert.Throws<ArgumentException>(() => services.AddPostCallHandler<RecordingHandler>("slow", o => o.Timeout = TimeSpan.FromMinutes(11)));
        Assert.Throws<ArgumentException>(() => services.AddPostCallHandler<RecordingHandler>("many", o => o.Concurrency = 65));
    }
}
