-- Every change of a job row is announced on the channel job_changed (payload: the job id), so the
-- studio's progress streams push changes instead of each polling the database. A trigger covers every
-- writer (submit, claim, progress, results, cancel, retry, the reaper, the admin) in their own
-- transaction: the notification is delivered only if the change commits.
CREATE FUNCTION notify_job_changed() RETURNS trigger AS $$
BEGIN
  PERFORM pg_notify('job_changed', NEW.id::text);
  RETURN NULL;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER job_changed
  AFTER UPDATE ON job
  FOR EACH ROW
  WHEN (OLD.* IS DISTINCT FROM NEW.*)
  EXECUTE FUNCTION notify_job_changed();
