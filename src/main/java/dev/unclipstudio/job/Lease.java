package dev.unclipstudio.job;

import java.util.UUID;

/**
 * A worker's claim on one job: every write it makes names the token, so a worker that lost the
 * lease writes nothing.
 */
public record Lease(long jobId, UUID token, String owner) {}
