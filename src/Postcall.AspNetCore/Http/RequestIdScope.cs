namespace Postcall.Http;

/// <summary>
/// The logging scope of a request: <c>request_id</c>, named like the envelope field so it is not mistaken for
/// ASP.NET Core's own <c>RequestId</c> scope (a connection-based trace identifier).
/// </summary>
internal sealed class RequestIdScope(string requestId) : IReadOnlyList<KeyValuePair<string, object>>
{
    private readonly KeyValuePair<string, object> _entry = new("request_id", requestId);

    public int Count => 1;

    public KeyValuePair<string, object> this[int index] => index == 0 ? _entry : throw new ArgumentOutOfRangeException(nameof(index));

    public IEnumerator<KeyValuePair<string, object>> GetEnumerator()
    {
        yield return _entry;
    }

    System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();

    public override string ToString() => $"request_id:{_entry.Value}";
}
