package dev.unclipstudio.job;

import java.time.Duration;

/**
 * A job as a worker receives it from {@link JobQueue#claim}; {@code waited} is its time in the
 * queue.
 */
public record ClaimedJob(
    Lease lease, long ownerId, JobKind kind, JobParams params, int attempt, Duration waited) {}
