using Microsoft.EntityFrameworkCore;

namespace Embed;

/// <summary>The app's own database: one row per call it handled, and one per attempt it made.</summary>
public sealed class CallsDb(DbContextOptions<CallsDb> options) : DbContext(options)
{
    public DbSet<HandledCall> HandledCalls => Set<HandledCall>();

    public DbSet<HandlerAttempt> HandlerAttempts => Set<HandlerAttempt>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<HandledCall>().HasIndex(c => c.DeliveryId).IsUnique();
    }
}

/// <summary>A call the handler took in, once: <see cref="DeliveryId"/> is unique.</summary>
public sealed class HandledCall
{
    public int Id { get; set; }

    public required string DeliveryId { get; set; }

    public required string ConversationId { get; set; }

    public required string Kind { get; set; }

    public string? AgentId { get; set; }

    public string? Summary { get; set; }

    public long? RecordingBytes { get; set; }
}

/// <summary>Each time the handler was called, kept whatever came of it.</summary>
public sealed class HandlerAttempt
{
    public int Id { get; set; }

    public required string DeliveryId { get; set; }

    public required string ConversationId { get; set; }

    public int Attempt { get; set; }
}
