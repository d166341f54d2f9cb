package dev.unclipstudio.job;

/** A job as a worker receives it from {@link JobQueue#claim}. */
public record ClaimedJob(Lease lease, long ownerId, JobKind kind, JobParams params, int attempt) {}
