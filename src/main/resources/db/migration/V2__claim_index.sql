-- The claim walks (priority level, user) pairs in claim order and takes the first unlocked job of each pair through an
-- index, so its cost does not grow with the depth of the queue (V1's claim sorted every queued row on each call,
-- because its order mixes job.priority with app_user.last_served_at and no index spans both tables).

-- A user's queued jobs at one priority, oldest first: the per-user lookup of the claim.
CREATE INDEX job_claim_by_owner ON job (owner_id, priority DESC, created_at, id) WHERE status = 'QUEUED';

-- Users in fair-share order (served least recently first, never served before everyone); the coalesce makes the
-- order a plain row comparison, so the claim can step from one user to the next with one index probe.
CREATE INDEX app_user_fair_share ON app_user ((coalesce(last_served_at, '-infinity')), id);
