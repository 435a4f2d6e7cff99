using Postcall.Storage;

namespace Postcall.Index;

/// <summary>A stored payload with the indexed fields of its body (a transcription's or a failure's; none for the others).</summary>
internal sealed record PayloadRecord(PayloadObject Payload, PayloadFacts.Transcription? Call = null, PayloadFacts.Failure? Failed = null);
