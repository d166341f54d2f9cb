/**
 * The instances' worker threads: {@link dev.unclipstudio.worker.WorkerPool} starts threads per
 * device, each {@link dev.unclipstudio.worker.Worker} claims jobs from the queue and runs them on
 * its own engine, reports progress and heartbeats, and the {@link dev.unclipstudio.worker.Reaper}
 * returns jobs whose worker died. Depends on the job queue and the engine, never on pages.
 */
package dev.unclipstudio.worker;
