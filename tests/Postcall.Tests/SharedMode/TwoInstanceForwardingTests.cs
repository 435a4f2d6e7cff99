using System.Net;
using Postcall.Forwarding;
using Postcall.Hosting;
using Postcall.Tests.Support;

namespace Postcall.Tests.SharedMode;

/// <summary>Two real instances on one PostgreSQL and one bucket share the forwarding work: each forward is sent once.</summary>
[Trait("Needs", "engines")]
public sealed class TwoInstanceForwardingTests(SharedEngines engines) : ReceiverTests("two-forward")
{
    [Fact]
    public async Task Each_forward_is_delivered_by_one_instance_and_none_twice()
    {
        var settings = await engines.SharedSettingsAsync();
        settings[PostcallSettings.HmacKeyVariable] = Fixtures.Secret;
        settings[PostcallSettings.PayloadPathVariable] = "./payloads";
        settings[ForwardSettings.UrlsVariable] = Receiver.Url.AbsoluteUri;
        settings[ForwardSettings.RetryScheduleVariable] = "0s,1s,2s";
        settings["LOG_LEVEL"] = "WARNING";
        // A receiver slow enough that both instances poll while forwards are in flight.
        Receiver.Respond = (_, _) => new(200, Delay: TimeSpan.FromMilliseconds(30));
        var instances = new List<(ServiceProcess Service, HttpClient Client)>();
        try
        {
            for (var i = 0; i < 2; i++)
            {
                var service = new ServiceProcess(WorkDir, new Dictionary<string, string>(settings), "--urls", ServiceProcess.AnyPort);
                instances.Add((service, await service.ClientAsync()));
            }

            const int Calls = 60;
            await Parallel.ForEachAsync(Enumerable.Range(0, Calls), new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = Cancel }, async (i, ct) =>
            {
                using var response = await instances[i % 2].Client.SendAsync(Deliveries.SignedRequest(Deliveries.Transcription($"two-fwd-{i:D2}")), ct);
                Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            });

            await Receiver.WaitForAsync(_ => true, count: Calls, timeout: TimeSpan.FromSeconds(60));
            // Time for a second sending, if any instance were to make one.
            await Task.Delay(3000, Cancel);

            var requests = Receiver.Requests.ToArray();
            Assert.Equal(Calls, requests.Length);
            Assert.Equal(Calls, requests.Select(r => r.WebhookId).Distinct().Count());
            Assert.Equal(Calls, requests.Select(r => r.Header(ForwardSender.ConversationHeader)).Distinct().Count());
        }
        finally
        {
            foreach (var (service, client) in instances)
            {
                client.Dispose();
                service.Dispose();
            }
        }
    }
}
