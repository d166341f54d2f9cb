/**
 * Jobs: requests from the pages and the API turned into typed commands, checked and queued by one
 * service ({@link dev.unclipstudio.job.JobRequests}), the PostgreSQL queue the workers claim from,
 * and the job pages.
 */
package dev.unclipstudio.job;
