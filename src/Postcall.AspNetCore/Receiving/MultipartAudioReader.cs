using System.Buffers;
using System.Text;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Net.Http.Headers;
using Postcall.ElevenLabs;
using Postcall.Http;
using Postcall.Storage;

namespace Postcall.Receiving;

/// <summary>
/// The earlier service's audio form: <c>multipart/form-data</c> with a <c>conversation_id</c> field and an
/// <c>audio</c> file, which is stored as sent.
/// </summary>
internal static class MultipartAudioReader
{
    private const int MaxFieldBytes = 1024;

    public static async Task<ReadOutcome> ReadAsync(TempPayload spool, string boundary, IPayloadStore store, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(spool);
        ArgumentNullException.ThrowIfNull(store);
        TempPayload? audio = null;
        try
        {
            string? conversationId = null;
            string? agentId = null;
            await using (var input = spool.OpenRead())
            {
                var reader = new MultipartReader(boundary, input) { BodyLengthLimit = null };
                while (await reader.ReadNextSectionAsync(cancellationToken) is { } section)
                {
                    var name = ContentDispositionHeaderValue.TryParse(section.ContentDisposition, out var disposition)
                        ? HeaderUtilities.RemoveQuotes(disposition.Name).Value
                        : null;
                    if (name == "audio" && audio is null)
                    {
                        audio = store.CreatePayloadTemp();
                        await CopyAsync(section.Body, audio, cancellationToken);
                    }
                    else if (name == "conversation_id")
                    {
                        conversationId = await ReadFieldAsync(section.Body, cancellationToken);
                    }
                    else if (name == "agent_id")
                    {
                        agentId = await ReadFieldAsync(section.Body, cancellationToken);
                    }
                    else
                    {
                        await section.Body.CopyToAsync(Stream.Null, cancellationToken);
                    }
                }
            }

            var idField = conversationId is null ? StringField.Absent : new StringField(FieldKind.JsonString, conversationId);
            if (PostCallClassifier.CheckConversationId(idField, out var id) is { } rejection)
            {
                return rejection;
            }

            if (audio is null || audio.Length == 0)
            {
                return Rejection.BadRequest(audio is null ? ErrorCodes.MissingAudio : ErrorCodes.InvalidAudio,
                    audio is null ? "The form has no 'audio' file." : "The 'audio' file is empty.");
            }

            var payload = new PreparedPayload(PayloadKind.Audio, id, audio, new DeliveryEnvelope(agentId, null));
            audio = null;
            return payload;
        }
        catch (Exception e) when (e is InvalidDataException or (IOException and not StorageException))
        {
            return Rejection.BadRequest(ErrorCodes.InvalidMultipart, "The multipart body is malformed.");
        }
        finally
        {
            if (audio is not null)
            {
                await audio.DisposeAsync();
            }
        }
    }

    private static async Task CopyAsync(Stream source, TempPayload target, CancellationToken cancellationToken)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(64 * 1024);
        try
        {
            int read;
            while ((read = await source.ReadAsync(buffer, cancellationToken)) > 0)
            {
                await target.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static async Task<string> ReadFieldAsync(Stream body, CancellationToken cancellationToken)
    {
        var buffer = new byte[MaxFieldBytes + 1];
        var read = await body.ReadAtLeastAsync(buffer, buffer.Length, throwOnEndOfStream: false, cancellationToken);
        await body.CopyToAsync(Stream.Null, cancellationToken);
        // A longer value is cut at MaxFieldBytes, still far too long to pass validation.
        return Encoding.UTF8.GetString(buffer, 0, read);
    }
}
