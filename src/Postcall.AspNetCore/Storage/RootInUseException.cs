namespace Postcall.Storage;

/// <summary>Another running service holds the storage root.</summary>
internal sealed class RootInUseException(string root, string? holderPid)
    : IOException($"Another Postcall service{(holderPid is null ? string.Empty : $" (pid {holderPid})")} is already storing payloads under {root}. "
        + "Run one service per storage root: stop the other one, or give this one its own ELEVENLABS_POST_CALL_PAYLOAD_PATH.");
