-- A user's queued jobs by priority, oldest first. The claim skips through it to find the oldest job of each (user,
-- priority) pair, sorts those few pairs into claim order and locks its job through it again, so its cost does not
-- grow with the depth of the queue (V1's claim sorted every queued job on each call: its order mixes job.priority
-- with app_user.last_served_at, and no index spans both tables).
CREATE INDEX job_claim_by_owner ON job (owner_id, priority DESC, created_at, id) WHERE status = 'QUEUED';
