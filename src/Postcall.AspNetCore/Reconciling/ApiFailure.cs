namespace Postcall.Reconciling;

/// <summary>Why the Conversations API did not give what was asked, as a reconcile acts on it.</summary>
internal enum ApiFailure
{
    /// <summary>404: the API cannot give it (deleted, Zero Retention Mode, no recording); not worth asking again soon.</summary>
    NotFound,

    /// <summary>401 or 403: the key is wrong or lacks the permission.</summary>
    Unauthorized,

    /// <summary>429, 5xx, 408 or the network, still so after the retries: worth asking again on a later sweep.</summary>
    Transient,

    /// <summary>An answer that is not what the API documents (bad JSON, too large, another id, a bad redirect).</summary>
    Malformed,

    /// <summary>Any other status.</summary>
    Refused,
}
