using System.Diagnostics;
using System.Net;
using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;
using Postcall.Observability;

namespace Postcall.Storage.S3;

/// <summary>
/// Payloads as objects in an S3-compatible bucket, keyed exactly like the files: <c>&lt;prefix&gt;/&lt;cid&gt;/&lt;cid&gt;_&lt;kind&gt;</c>.
/// A body is spooled and decoded on local disk first (its signature must be judged before anything in it counts), then
/// sent from that file: one conditional PUT for small payloads, a multipart upload of equal <see cref="PartSize"/>
/// parts for larger ones, streamed from the file so memory stays flat. The call returns only once S3 has acknowledged
/// the whole object. Each object carries the SHA-256 of its bytes as metadata, so a duplicate is recognised from any
/// instance and never rewritten.
/// </summary>
internal sealed class S3PayloadStore : IPayloadStore
{
    /// <summary>Every part but the last has this size: at least 5 MiB, and equal, as R2 and every S3-compatible store accept.</summary>
    public const long PartSize = 8L * 1024 * 1024;

    public const string HashMetadata = "sha256";

    private const string Engine = "object_store";

    private readonly IAmazonS3 _client;
    private readonly S3Location _location;
    private readonly string _localState;
    private readonly PostcallMetrics? _metrics;
    private LocalStateFolder? _spool;

    /// <param name="localState">This host's folder for instances' local state; each takes a free numbered slot of it.</param>
    public S3PayloadStore(IAmazonS3 client, S3Location location, string localState, PostcallMetrics? metrics = null)
    {
        _client = client;
        _location = location;
        _localState = localState;
        _metrics = metrics;
    }

    public string Location => _location.ToString();

    /// <summary>How many instances may share one host's local state folder.</summary>
    public const int LocalSlots = 64;

    public LocalStateFolder LocalState => _spool ?? throw new InvalidOperationException("Initialize the store first.");

    public TempPayload CreateTemp() => LocalState.CreateTemp();

    /// <summary>Uploaded, never flushed here: nothing to start early.</summary>
    public TempPayload CreatePayloadTemp() => LocalState.CreateTemp();

    public int Initialize()
    {
        if (_spool is not null)
        {
            return 0;
        }

        _spool = LocalStateFolder.TakeFreeSlot(_localState, LocalSlots, out var removed);
        return removed;
    }

    public void Dispose()
    {
        _spool?.Dispose();
        _client.Dispose();
    }

    public async Task<StoredPayload> CommitAsync(TempPayload temp, ConversationId id, PayloadKind kind, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(temp);
        await temp.CloseAsync();
        return await UploadAsync(temp.Path, id, kind, likelyStored: false, cancellationToken);
    }

    /// <summary>Asks before sending (one HEAD): a migration run again finds most objects there.</summary>
    public Task<StoredPayload> ImportAsync(string file, ConversationId id, PayloadKind kind, CancellationToken cancellationToken = default) =>
        UploadAsync(file, id, kind, likelyStored: true, cancellationToken);

    /// <summary>Makes the local file at <paramref name="path"/> the payload, as a commit does; the file itself is untouched.</summary>
    /// <param name="likelyStored">Ask before sending (one HEAD): most objects are there.</param>
    private async Task<StoredPayload> UploadAsync(string path, ConversationId id, PayloadKind kind, bool likelyStored,
        CancellationToken cancellationToken)
    {
        var key = KeyOf(id, kind);
        var length = new FileInfo(path).Length;
        var hash = await StorageException.Guard(() => HashAsync(path, cancellationToken));
        string? seen = null;
        if (length > PartSize || likelyStored)
        {
            // A large upload is worth one HEAD first: a duplicate recording is never sent again.
            var existing = await HeadAsync(key, cancellationToken);
            if (IsSame(existing, length, hash))
            {
                return Stored(id, kind, Describe(kind, existing!), duplicate: true);
            }

            if (length > PartSize)
            {
                var uploaded = await UploadInPartsAsync(key, path, length, hash, kind, cancellationToken);
                return Stored(id, kind, new PayloadObject(kind, length, DateTimeOffset.UtcNow, uploaded), duplicate: false);
            }

            seen = existing?.ETag;
        }

        // Small payloads: create the object only if there is none (one request for a new delivery). If there is one,
        // it is a duplicate when its SHA-256 matches, else it is replaced only if it is still the version just seen,
        // so two instances racing with different bytes cannot both think they won.
        for (var attempt = 0; ; attempt++)
        {
            var condition = attempt >= MaxConditionalAttempts ? WriteCondition.None : seen is null ? WriteCondition.Absent : WriteCondition.Unchanged;
            if (await PutAsync(key, path, hash, kind, condition, seen, cancellationToken) is { } etag)
            {
                return Stored(id, kind, new PayloadObject(kind, length, DateTimeOffset.UtcNow, etag), duplicate: false);
            }

            var existing = await HeadAsync(key, cancellationToken);
            if (IsSame(existing, length, hash))
            {
                return Stored(id, kind, Describe(kind, existing!), duplicate: true);
            }

            seen = existing?.ETag;
        }
    }

    /// <summary>Conditional writes tried before the last, unconditional one (a store that keeps changing under us).</summary>
    private const int MaxConditionalAttempts = 3;

    private enum WriteCondition
    {
        /// <summary>If-None-Match: * — only if no object has the key.</summary>
        Absent,

        /// <summary>If-Match: the ETag last seen.</summary>
        Unchanged,

        None,
    }

    private static PayloadObject Describe(PayloadKind kind, GetObjectMetadataResponse head) =>
        new(kind, head.ContentLength, Modified(head.LastModified), head.ETag);

    private static bool IsSame(GetObjectMetadataResponse? existing, long length, string hash) =>
        existing is not null && existing.ContentLength == length && existing.Metadata[HashMetadata] == hash;

    public async Task<IReadOnlyList<PayloadObject>> PayloadsAsync(ConversationId id, CancellationToken cancellationToken = default)
    {
        var payloads = new List<PayloadObject>();
        await foreach (var item in ListAsync(_location.Key(id.Value + "/"), cancellationToken))
        {
            if (Describe(id, item) is { } payload)
            {
                payloads.Add(payload);
            }
        }

        return PayloadKind.InOrder(payloads, p => p.Kind);
    }

    public async Task<PayloadContent?> OpenAsync(ConversationId id, PayloadKind kind, CancellationToken cancellationToken = default)
    {
        var key = KeyOf(id, kind);
        var head = await HeadAsync(key, cancellationToken);
        if (head is null)
        {
            return null;
        }

        var stream = new S3ObjectStream(this, key, head.ContentLength, head.ETag);
        return new PayloadContent(stream, head.ContentLength, Modified(head.LastModified), head.ETag);
    }

    public async Task<int> DeleteConversationAsync(ConversationId id, CancellationToken cancellationToken = default)
    {
        var payloads = await PayloadsAsync(id, cancellationToken);
        foreach (var payload in payloads)
        {
            await CallAsync("delete", () => _client.DeleteObjectAsync(_location.Bucket, KeyOf(id, payload.Kind), cancellationToken));
        }

        return payloads.Count;
    }

    public async IAsyncEnumerable<StoredConversation> ConversationsAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ConversationId? current = null;
        var payloads = new List<PayloadObject>();
        await foreach (var item in ListAsync(_location.KeyPrefix, cancellationToken))
        {
            var relative = item.Key[_location.KeyPrefix.Length..];
            var slash = relative.IndexOf('/', StringComparison.Ordinal);
            if (slash <= 0 || !ConversationId.TryParse(relative[..slash], out var id))
            {
                continue;
            }

            if (current is { } previous && previous != id)
            {
                if (payloads.Count > 0)
                {
                    yield return new StoredConversation(previous, PayloadKind.InOrder(payloads, p => p.Kind));
                }

                payloads = [];
            }

            current = id;
            if (Describe(id, item) is { } payload)
            {
                payloads.Add(payload);
            }
        }

        if (current is { } last && payloads.Count > 0)
        {
            yield return new StoredConversation(last, PayloadKind.InOrder(payloads, p => p.Kind));
        }
    }

    /// <summary>Writes and removes a small object under <c>.postcall/</c> (never a conversation's name).</summary>
    public async Task ProbeCommitAsync(CancellationToken cancellationToken = default)
    {
        var key = _location.Key($".postcall/ready-{Guid.NewGuid():N}");
        await CallAsync("probe", () => _client.PutObjectAsync(new PutObjectRequest
        {
            BucketName = _location.Bucket,
            Key = key,
            ContentBody = "ready",
        }, cancellationToken));
        await CallAsync("probe", () => _client.DeleteObjectAsync(_location.Bucket, key, cancellationToken));
    }

    /// <summary>The object's bytes from <paramref name="from"/> on: for <see cref="S3ObjectStream"/>.</summary>
    internal Task<GetObjectResponse> GetAsync(string key, long from, long length, string etag, CancellationToken cancellationToken) =>
        CallAsync("get", () =>
        {
            var request = new GetObjectRequest { BucketName = _location.Bucket, Key = key, EtagToMatch = etag };
            if (from > 0)
            {
                request.ByteRange = new ByteRange(from, length - 1);
            }

            return _client.GetObjectAsync(request, cancellationToken);
        });

    private string KeyOf(ConversationId id, PayloadKind kind) => _location.Key($"{id.Value}/{kind.FileName(id)}");

    private StoredPayload Stored(ConversationId id, PayloadKind kind, PayloadObject payload, bool duplicate) =>
        new(payload, $"{Location}/{id.Value}/{kind.FileName(id)}", duplicate);

    private static PayloadObject? Describe(ConversationId id, S3Object item)
    {
        var name = item.Key[(item.Key.LastIndexOf('/') + 1)..];
        return PayloadKind.TryFromFileName(id, name, out var kind)
            ? new PayloadObject(kind, item.Size ?? 0, Modified(item.LastModified), item.ETag)
            : null;
    }

    private static DateTimeOffset Modified(DateTime? value) =>
        value is { } time ? new DateTimeOffset(time.ToUniversalTime(), TimeSpan.Zero) : DateTimeOffset.UnixEpoch;

    private async IAsyncEnumerable<S3Object> ListAsync(string prefix, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var request = new ListObjectsV2Request { BucketName = _location.Bucket, Prefix = prefix };
        while (true)
        {
            var page = await CallAsync("list", () => _client.ListObjectsV2Async(request, cancellationToken));
            foreach (var item in page.S3Objects ?? [])
            {
                yield return item;
            }

            if (page.IsTruncated != true)
            {
                yield break;
            }

            request.ContinuationToken = page.NextContinuationToken;
        }
    }

    private async Task<GetObjectMetadataResponse?> HeadAsync(string key, CancellationToken cancellationToken)
    {
        try
        {
            return await CallAsync("head", () => _client.GetObjectMetadataAsync(_location.Bucket, key, cancellationToken), HttpStatusCode.NotFound);
        }
        catch (StorageException e) when (e.InnerException is AmazonS3Exception { StatusCode: HttpStatusCode.NotFound })
        {
            return null;
        }
    }

    /// <summary>The new object's ETag; null when <paramref name="condition"/> did not hold (412, or 409 for a concurrent one).</summary>
    private async Task<string?> PutAsync(string key, string path, string hash, PayloadKind kind, WriteCondition condition, string? seen,
        CancellationToken cancellationToken)
    {
        var request = new PutObjectRequest
        {
            BucketName = _location.Bucket,
            Key = key,
            FilePath = path,
            ContentType = ContentTypeOf(kind),
        };
        request.Metadata.Add(HashMetadata, hash);
        if (condition == WriteCondition.Absent)
        {
            request.IfNoneMatch = "*";
        }
        else if (condition == WriteCondition.Unchanged)
        {
            request.IfMatch = seen;
        }

        try
        {
            var response = await CallAsync("put", () => _client.PutObjectAsync(request, cancellationToken), HttpStatusCode.PreconditionFailed, HttpStatusCode.Conflict);
            return response.ETag;
        }
        catch (StorageException e) when (e.InnerException is AmazonS3Exception { StatusCode: HttpStatusCode.PreconditionFailed or HttpStatusCode.Conflict })
        {
            return null;
        }
    }

    private async Task<string> UploadInPartsAsync(string key, string path, long length, string hash, PayloadKind kind, CancellationToken cancellationToken)
    {
        var initiate = new InitiateMultipartUploadRequest { BucketName = _location.Bucket, Key = key, ContentType = ContentTypeOf(kind) };
        initiate.Metadata.Add(HashMetadata, hash);
        var upload = await CallAsync("multipart_start", () => _client.InitiateMultipartUploadAsync(initiate, cancellationToken));
        try
        {
            var parts = new List<PartETag>();
            var number = 1;
            for (long offset = 0; offset < length; offset += PartSize, number++)
            {
                var part = new UploadPartRequest
                {
                    BucketName = _location.Bucket,
                    Key = key,
                    UploadId = upload.UploadId,
                    PartNumber = number,
                    FilePath = path,
                    FilePosition = offset,
                    PartSize = Math.Min(PartSize, length - offset),
                };
                var uploaded = await CallAsync("multipart_part", () => _client.UploadPartAsync(part, cancellationToken));
                parts.Add(new PartETag(number, uploaded.ETag));
            }

            var complete = await CallAsync("multipart_complete", () => _client.CompleteMultipartUploadAsync(new CompleteMultipartUploadRequest
            {
                BucketName = _location.Bucket,
                Key = key,
                UploadId = upload.UploadId,
                PartETags = parts,
            }, cancellationToken));
            return complete.ETag;
        }
        catch
        {
            try
            {
                await _client.AbortMultipartUploadAsync(_location.Bucket, key, upload.UploadId, CancellationToken.None);
            }
            catch (Exception e) when (e is AmazonServiceException or AmazonClientException or HttpRequestException or IOException)
            {
                // A bucket lifecycle rule for incomplete uploads collects what this could not abort (see operations.md).
            }

            throw;
        }
    }

    private static string ContentTypeOf(PayloadKind kind) => kind == PayloadKind.Audio ? "audio/mpeg" : "application/json";

    private static async Task<string> HashAsync(string path, CancellationToken cancellationToken)
    {
        await using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.Asynchronous | FileOptions.SequentialScan);
        return Convert.ToHexStringLower(await SHA256.HashDataAsync(file, cancellationToken));
    }

    /// <summary>
    /// Times the call and turns what the SDK and the network throw into <see cref="StorageException"/>. An answer with
    /// one of the <paramref name="expected"/> statuses is thrown too, but not counted as an error.
    /// </summary>
    private async Task<T> CallAsync<T>(string operation, Func<Task<T>> call, params HttpStatusCode[] expected)
    {
        var started = Stopwatch.GetTimestamp();
        var failed = true;
        try
        {
            var result = await call();
            failed = false;
            return result;
        }
        catch (AmazonS3Exception e) when (expected.Contains(e.StatusCode))
        {
            failed = false;
            throw new StorageException($"The object store answered {(int)e.StatusCode}.", e);
        }
        catch (Exception e) when (e is AmazonServiceException or AmazonClientException or HttpRequestException or IOException
            or TimeoutException || e is TaskCanceledException && e.InnerException is TimeoutException)
        {
            throw new StorageException($"The object store ({Location}) refused: {e.Message}", e);
        }
        finally
        {
            _metrics?.EngineCall(Engine, operation, Stopwatch.GetElapsedTime(started), failed);
        }
    }
}
