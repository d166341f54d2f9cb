package dev.unclipstudio.job;

import java.time.Duration;

/**
 * A job as a worker receives it from {@link JobQueue#claim}; {@code pack} is the name of the pack
 * it runs on, {@code waited} its time in the queue.
 */
public record ClaimedJob(
    Lease lease,
    long ownerId,
    JobKind kind,
    String pack,
    JobParams params,
    int attempt,
    Duration waited) {}
