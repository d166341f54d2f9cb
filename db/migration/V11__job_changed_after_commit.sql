-- A transaction that has sent a NOTIFY holds PostgreSQL's database-wide notification lock from just before its
-- commit until the commit has ended, WAL flush included: every other notifying commit waits for it. A job's
-- results commit waits for its flush (they must be durable), so with the job_changed trigger in that transaction
-- the results commits of all workers queued behind one another's flushes (bench/claims.sh at 16 threads: 1,000-1,600
-- jobs/s with the trigger, 1,900-3,000 without). A writer may now announce its change itself, right after its
-- commit, in a transaction of its own that writes nothing and so flushes nothing: it sets studio.job_changed to
-- 'after-commit' for its transaction and the trigger stays quiet. Every other writer is announced as before. A
-- notification lost between the two commits (a crash) is covered by the progress streams' slow re-read, as one
-- lost while the listening connection was down.
DROP TRIGGER job_changed ON job;

CREATE TRIGGER job_changed
  AFTER UPDATE ON job
  FOR EACH ROW
  WHEN (OLD.* IS DISTINCT FROM NEW.* AND current_setting('studio.job_changed', true) IS DISTINCT FROM 'after-commit')
  EXECUTE FUNCTION notify_job_changed();
