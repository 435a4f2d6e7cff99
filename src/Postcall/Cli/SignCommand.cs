using System.CommandLine;
using Postcall.ElevenLabs;

namespace Postcall.Cli;

internal static class SignCommand
{
    public static Command Create(CliEnvironment environment, TimeProvider time)
    {
        var file = new Option<FileInfo>("--file") { Description = "The request body to sign, byte for byte.", Required = true };
        var secret = SecretOption.Create("default: the first of ELEVENLABS_POST_CALL_HMAC_KEY");
        var timestamp = new Option<long?>("--timestamp") { Description = "Unix seconds to sign at (default: now)." };
        var command = new Command("sign", "Print the elevenlabs-signature header value for a body, as ElevenLabs computes it.")
        {
            file, secret, timestamp,
        };
        command.SetAction(async (result, cancellationToken) =>
        {
            var key = SecretOption.Resolve(result, secret, environment, result.InvocationConfiguration.Error)[0];
            var body = CliFiles.Open(result.GetRequiredValue(file));
            await using (body)
            {
                var t = result.GetValue(timestamp) ?? time.GetUtcNow().ToUnixTimeSeconds();
                var header = await SignatureSigner.SignAsync(key, t, body, cancellationToken);
                await result.InvocationConfiguration.Output.WriteLineAsync(header);
            }

            return ExitCodes.Ok;
        });
        return command;
    }
}
