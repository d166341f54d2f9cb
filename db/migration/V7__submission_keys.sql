-- Idempotency-Key of API submissions: a request sent again with the key of one its user sent in the last 24 hours
-- gets the job the first one queued instead of a second job. Written in the same transaction as that job, only when
-- a job was queued (a refused request may be sent again with its key). The primary key makes "one job per key and
-- user" a database fact; request_hash tells a resend from another request under a reused key (refused).
CREATE TABLE submission_key (
    owner_id        BIGINT       NOT NULL REFERENCES app_user (id) ON DELETE CASCADE,
    idempotency_key VARCHAR(255) NOT NULL,
    request_hash    CHAR(64)     NOT NULL,  -- SHA-256 (hex) of the operation and its JSON body as read
    job_id          BIGINT       NOT NULL REFERENCES job (id) ON DELETE CASCADE,
    created_at      TIMESTAMPTZ  NOT NULL,
    PRIMARY KEY (owner_id, idempotency_key)
);
CREATE INDEX submission_key_job ON submission_key (job_id);
