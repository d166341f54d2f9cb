-- The claim walks the users who have queued jobs in fair-share order (least recently served first) through an
-- index, so that it reads a few rows however many users are waiting, instead of finding the oldest job of every
-- (user, priority) pair through job_claim_by_owner on each call (V2: a cost that grew with the users waiting).
-- queued_jobs counts a user's QUEUED jobs; the triggers below keep it exact, in the same transaction as the change,
-- for every writer (submit, claim, cancel, retry, release, the reaper, the admin, a deleted job).
ALTER TABLE app_user ADD COLUMN queued_jobs INT NOT NULL DEFAULT 0;

UPDATE app_user u SET queued_jobs = q.n
FROM (SELECT owner_id, count(*) AS n FROM job WHERE status = 'QUEUED' GROUP BY owner_id) q
WHERE q.owner_id = u.id;

CREATE INDEX app_user_turn ON app_user (last_served_at ASC NULLS FIRST, id) WHERE queued_jobs > 0;

-- A job leaving the queue for a worker (QUEUED -> RUNNING: only the claim does that) also marks its owner served, in
-- the same row write: fair share's "least recently served" and the count are one update per claimed job.
CREATE FUNCTION count_queued_jobs() RETURNS trigger AS $$
BEGIN
  IF TG_OP = 'UPDATE' AND OLD.status = 'QUEUED' AND NEW.status = 'RUNNING' THEN
    UPDATE app_user SET queued_jobs = queued_jobs - 1, last_served_at = clock_timestamp() WHERE id = OLD.owner_id;
    RETURN NULL;
  END IF;
  IF TG_OP <> 'INSERT' AND OLD.status = 'QUEUED' THEN
    UPDATE app_user SET queued_jobs = queued_jobs - 1 WHERE id = OLD.owner_id;
  END IF;
  IF TG_OP <> 'DELETE' AND NEW.status = 'QUEUED' THEN
    UPDATE app_user SET queued_jobs = queued_jobs + 1 WHERE id = NEW.owner_id;
  END IF;
  RETURN NULL;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER job_queued_insert AFTER INSERT ON job
  FOR EACH ROW WHEN (NEW.status = 'QUEUED') EXECUTE FUNCTION count_queued_jobs();
CREATE TRIGGER job_queued_delete AFTER DELETE ON job
  FOR EACH ROW WHEN (OLD.status = 'QUEUED') EXECUTE FUNCTION count_queued_jobs();
-- only a change into or out of QUEUED: progress, heartbeats and results do not fire it
CREATE TRIGGER job_queued_update AFTER UPDATE OF status ON job
  FOR EACH ROW WHEN ((OLD.status = 'QUEUED') <> (NEW.status = 'QUEUED')) EXECUTE FUNCTION count_queued_jobs();
