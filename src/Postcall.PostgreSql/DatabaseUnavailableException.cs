namespace Postcall.Postgres;

/// <summary>PostgreSQL cannot be reached or refused a statement; nothing about the payloads is implied.</summary>
internal sealed class DatabaseUnavailableException(string message, Exception inner) : Exception(message, inner);
