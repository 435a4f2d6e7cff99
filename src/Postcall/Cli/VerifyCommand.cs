using System.CommandLine;
using System.Globalization;
using Postcall.ElevenLabs;

namespace Postcall.Cli;

/// <summary>Says whether a signature is valid for a body and, if not, exactly why, with the service's own verifier.</summary>
internal static class VerifyCommand
{
    public static Command Create(CliEnvironment environment, TimeProvider time)
    {
        var file = new Option<FileInfo>("--file") { Description = "The request body, byte for byte.", Required = true };
        var signature = new Option<string>("--signature") { Description = "The elevenlabs-signature header value: t=…,v0=…", Required = true };
        var secret = SecretOption.Create("default: every secret in ELEVENLABS_POST_CALL_HMAC_KEY");
        var command = new Command("verify", "Check an elevenlabs-signature header against a body and say why it fails, if it does.")
        {
            file, signature, secret,
        };
        command.SetAction(async (result, cancellationToken) =>
        {
            var secrets = SecretOption.Resolve(result, secret, environment, result.InvocationConfiguration.Error);
            var header = result.GetRequiredValue(signature);
            var output = result.InvocationConfiguration.Output;
            var verifier = new SignatureVerifier(secrets, time);
            if (!SignatureHeader.TryParse(header, out var parsed, out var problem))
            {
                await output.WriteLineAsync($"invalid: malformed header: {problem}. Expected t=<unix seconds>,v0=<64 hex characters>.");
                return ExitCodes.Failure;
            }

            // The HMAC is judged on its own too, so a stale but genuine signature is told apart from a forged one.
            var anyTime = new SignatureVerifier(secrets, time, TimeSpan.MaxValue);
            SignatureStatus macStatus;
            await using (var body = CliFiles.Open(result.GetRequiredValue(file)))
            {
                macStatus = await anyTime.VerifyAsync(header, body, cancellationToken);
            }

            var age = verifier.AgeSeconds(parsed!);
            var skew = Describe(age);
            if (!verifier.IsTimely(parsed!))
            {
                var minutesOutside = (Math.Abs(age) - (long)verifier.Tolerance.TotalSeconds + 59) / 60;
                var note = macStatus == SignatureStatus.Valid
                    ? " (the HMAC itself matches: a genuine but stale or replayed delivery)."
                    : "; the HMAC does not match either.";
                await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                    $"invalid: the timestamp is {skew}, {minutesOutside} minutes outside the {verifier.Tolerance.TotalMinutes:0}-minute tolerance{note}"));
                return ExitCodes.Failure;
            }

            if (macStatus != SignatureStatus.Valid)
            {
                await output.WriteLineAsync($"invalid: no secret matches ({secrets.Count} checked); the body or the secret differs from what was signed.");
                return ExitCodes.Failure;
            }

            await output.WriteLineAsync($"valid: the signature matches; timestamp {skew}.");
            return ExitCodes.Ok;
        });
        return command;
    }

    private static string Describe(long ageSeconds)
    {
        var minutes = (Math.Abs(ageSeconds) + 30) / 60;
        return minutes == 0 ? "within a minute of now"
            : ageSeconds > 0 ? $"{minutes} minutes in the past"
            : $"{minutes} minutes in the future";
    }
}
