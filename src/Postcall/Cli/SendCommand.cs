using System.CommandLine;
using Postcall.Cli.Send;
using Postcall.Storage;

namespace Postcall.Cli;

/// <summary><c>postcall send</c>: signed test deliveries, exactly as ElevenLabs would send them, without placing a call.</summary>
internal static class SendCommand
{
    public const string DefaultUrl = "http://localhost:8000/webhook/post-call";

    public static Command Create(CliEnvironment environment, TimeProvider time, bool interactive)
    {
        var type = new Argument<string>("type") { Description = "transcription, audio or failure." };
        type.AcceptOnlyFromAmong("transcription", "audio", "failure");
        var url = new Option<string>("--url") { Description = "Where to send it.", DefaultValueFactory = _ => DefaultUrl };
        url.Validators.Add(r =>
        {
            if (!Uri.TryCreate(r.GetValueOrDefault<string>(), UriKind.Absolute, out var u) || (u.Scheme != Uri.UriSchemeHttp && u.Scheme != Uri.UriSchemeHttps))
            {
                r.AddError("--url must be an absolute http:// or https:// URL.");
            }
        });
        var secret = SecretOption.Create("default: the first of ELEVENLABS_POST_CALL_HMAC_KEY");
        var conversationId = new Option<string?>("--conversation-id") { Description = "Conversation id (default: a fresh one per delivery)." };
        var file = new Option<FileInfo?>("--file") { Description = "Send this body as is instead of building one." };
        var audio = new Option<FileInfo?>("--audio") { Description = "MP3 for audio deliveries (default: a short built-in recording)." };
        var failure = new Option<string>("--failure") { Description = "Failure metadata: sip or twilio.", DefaultValueFactory = _ => "sip" };
        failure.AcceptOnlyFromAmong("sip", "twilio");
        var format = new Option<string>("--format") { Description = "elevenlabs (the real envelope) or seed (the earlier service's flat and multipart shapes).", DefaultValueFactory = _ => "elevenlabs" };
        format.AcceptOnlyFromAmong("elevenlabs", "seed");
        var count = new Option<int>("--count") { Description = "How many distinct deliveries to send.", DefaultValueFactory = _ => 1 };
        var concurrency = new Option<int>("--concurrency") { Description = "How many at a time.", DefaultValueFactory = _ => 1 };
        count.Validators.Add(r => { if (r.GetValueOrDefault<int>() < 1) { r.AddError("--count must be at least 1."); } });
        concurrency.Validators.Add(r => { if (r.GetValueOrDefault<int>() is < 1 or > 1024) { r.AddError("--concurrency must be between 1 and 1024."); } });

        var command = new Command("send", "Sign and send a test delivery to a Postcall service (or any receiver).")
        {
            type, url, secret, conversationId, file, audio, failure, format, count, concurrency,
        };
        command.SetAction(async (result, cancellationToken) =>
        {
            var kind = PayloadKind.Known.Single(k => k.Name == result.GetRequiredValue(type));
            var factory = new DeliveryFactory(time, result.GetValue(audio), result.GetRequiredValue(failure), result.GetRequiredValue(format) == "seed");
            var fixedBody = result.GetValue(file) is { } f ? await ReadBodyAsync(f, cancellationToken) : null;
            var id = result.GetValue(conversationId);
            var total = result.GetValue(count);
            OutgoingDelivery Build(int index)
            {
                var cid = id is null ? DeliveryFactory.NewConversationId() : total == 1 ? id : $"{id}-{index + 1}";
                return fixedBody is null ? factory.Create(kind, cid) : OutgoingDelivery.FromBytes(kind, cid, "application/json", fixedBody);
            }

            using var client = new HttpClient { Timeout = TimeSpan.FromMinutes(5) };
            var sender = new DeliverySender(client, new Uri(result.GetRequiredValue(url)), SecretOption.Resolve(result, secret, environment, result.InvocationConfiguration.Error)[0], time);
            var output = result.InvocationConfiguration.Output;
            if (total == 1)
            {
                var single = await sender.SendAsync(Build(0), cancellationToken);
                await output.WriteLineAsync($"{single.StatusCode} {single.Reason}  request_id={single.RequestId}  ({single.Delivery.Kind.WireName}, conversation {single.Delivery.ConversationId})");
                await output.WriteLineAsync(single.PrettyBody());
                return single.Ok ? ExitCodes.Ok : ExitCodes.Failure;
            }

            var progress = interactive ? new ProgressBar(result.InvocationConfiguration.Error, total) : null;
            var summary = await LoadRun.RunAsync(sender, Build, total, result.GetValue(concurrency), progress, cancellationToken);
            await output.WriteLineAsync(summary.ToString());
            return summary.Failed == 0 ? ExitCodes.Ok : ExitCodes.Failure;
        });
        return command;
    }

    private static async Task<byte[]> ReadBodyAsync(FileInfo file, CancellationToken cancellationToken)
    {
        await using var stream = CliFiles.Open(file);
        using var copy = new MemoryStream();
        await stream.CopyToAsync(copy, cancellationToken);
        return copy.ToArray();
    }
}
