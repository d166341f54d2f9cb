package dev.unclipstudio.job;

import dev.unclipstudio.account.AppUser;
import dev.unclipstudio.account.CurrentUser;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import jakarta.transaction.Transactional.TxType;
import java.util.List;
import java.util.Optional;

/**
 * Reading jobs for the pages and the API; other users' jobs are "not found", never "forbidden".
 * Reads made for a request join its transaction if it has one and open none of their own ({@code
 * SUPPORTS}, as the gallery's do): a JTA transaction per page view is bookkeeping and a commit
 * round trip for nothing.
 */
@ApplicationScoped
public class JobService {

  static final String WORKERS_PAUSED =
      "Workers are paused — nothing is running until an administrator resumes them.";

  /**
   * Recent runs the queue-wait estimate averages: enough to smooth, few enough to follow change.
   */
  static final int RECENT_RUNS = 20;

  static final String NO_WORKERS =
      "No worker is running right now: the job waits until one starts.";

  private final WorkerLiveness liveness;
  private final PromptNotes promptNotes;

  JobService(WorkerLiveness liveness, PromptNotes promptNotes) {
    this.liveness = liveness;
    this.promptNotes = promptNotes;
  }

  /** The user's newest jobs first. */
  @Transactional(TxType.SUPPORTS)
  public List<JobView> recent(CurrentUser user, int limit) {
    return JobView.ofAll(Job.recentOf(user.id(), limit));
  }

  /**
   * The job, if it exists and the user may see it (their own, or any for admins), with its notes:
   * what its job page and its JSON show.
   */
  @Transactional(TxType.SUPPORTS)
  public Optional<JobView> visible(long id, CurrentUser user) {
    Job job = Job.findById(id);
    return job == null || !user.mayAccess(job.ownerId)
        ? Optional.empty()
        : Optional.of(withQueueNote(job).withPromptNotes(promptNotes.of(job)));
  }

  /** Whether the job exists and the user may see it, without reading its images. */
  @Transactional(TxType.SUPPORTS)
  public boolean mayAccess(long id, CurrentUser user) {
    Job job = Job.findById(id);
    return job != null && user.mayAccess(job.ownerId);
  }

  /** The job's owner's name when it is not the user (an admin looking), else null. */
  @Transactional(TxType.SUPPORTS)
  public String ownerNameFor(long jobId, CurrentUser user) {
    Job job = Job.findById(jobId);
    if (job == null || job.ownerId == user.id()) {
      return null;
    }
    return AppUser.<AppUser>findByIdOptional(job.ownerId).map(u -> u.username).orElse("?");
  }

  /**
   * The job as it is now, in a transaction of its own: the progress stream polls from a worker
   * thread, outside any request.
   */
  @Transactional(TxType.REQUIRES_NEW)
  public JobView current(long id) {
    return withQueueNote(Job.findById(id));
  }

  /**
   * Queued jobs say when nothing will run them soon: no worker running, or none of the running ones
   * has the job's pack open; the workers' states by the one liveness rule.
   */
  private JobView withQueueNote(Job job) {
    JobView view = JobView.of(job);
    if (view.status() != JobStatus.QUEUED) {
      return view;
    }
    Object[] counts =
        (Object[])
            Job.getEntityManager()
                .createNativeQuery(
                    "SELECT count(*) FILTER (WHERE s = 'RUNNING'), count(*) FILTER (WHERE s = 'PAUSED')"
                        + " FROM (SELECT "
                        + liveness.stateSql()
                        + " AS s FROM worker) w")
                .getSingleResult();
    long running = ((Number) counts[0]).longValue();
    long paused = ((Number) counts[1]).longValue();
    if (running > 0) {
      return packNote(job.packName)
          .or(() -> new QueueWait(view.queuePosition(), meanRunSeconds(), running).note())
          .map(view::withQueueNote)
          .orElse(view);
    }
    return view.withQueueNote(paused > 0 ? WORKERS_PAUSED : NO_WORKERS);
  }

  /**
   * Mean run time of the studio's last {@value #RECENT_RUNS} finished jobs, newest by id (the
   * primary key's order, so no sort of the table), 0 before any.
   */
  private static double meanRunSeconds() {
    Object mean =
        Job.getEntityManager()
            .createNativeQuery(
                "SELECT avg(extract(epoch FROM finished_at - started_at)) FROM (SELECT"
                    + " finished_at, started_at FROM job WHERE status = 'SUCCEEDED'"
                    + " ORDER BY id DESC LIMIT "
                    + RECENT_RUNS
                    + ") recent")
            .getSingleResult();
    return mean == null ? 0 : ((Number) mean).doubleValue();
  }

  /**
   * When no running worker has the pack open: that it waits, and why the workers could not open it
   * (as they reported it when they started).
   */
  private Optional<String> packNote(String pack) {
    @SuppressWarnings("unchecked")
    List<Object[]> rows =
        Job.getEntityManager()
            .createNativeQuery(
                "SELECT p.up, p.problem FROM worker_pack p JOIN (SELECT name, "
                    + liveness.stateSql()
                    + " AS s FROM worker) w ON w.name = p.worker_name"
                    + " WHERE w.s = 'RUNNING' AND p.pack = ?1 ORDER BY p.up DESC")
            .setParameter(1, pack)
            .getResultList();
    if (!rows.isEmpty() && Boolean.TRUE.equals(rows.get(0)[0])) {
      return Optional.empty();
    }
    String note =
        "No running worker has the model pack " + pack + " open: the job waits until one does.";
    return Optional.of(rows.isEmpty() ? note : note + " (The pack " + rows.get(0)[1] + ".)");
  }
}
