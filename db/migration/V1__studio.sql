-- Users, sign-in sessions, the job queue, images and workers. See docs/architecture.md.

CREATE TABLE app_user (
    id              BIGSERIAL PRIMARY KEY,
    username        VARCHAR(40)  NOT NULL,
    password_hash   VARCHAR(100) NOT NULL,
    role            VARCHAR(10)  NOT NULL CHECK (role IN ('USER', 'ADMIN')),
    enabled         BOOLEAN      NOT NULL DEFAULT TRUE,
    max_active_jobs INT,                        -- NULL: the studio-wide default
    daily_image_quota INT,                      -- NULL: the studio-wide default
    last_served_at  TIMESTAMPTZ,                -- fair share: the user served least recently goes first
    created_at      TIMESTAMPTZ  NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX app_user_username_key ON app_user (lower(username));

CREATE TABLE user_session (
    token_hash   CHAR(64)    PRIMARY KEY,       -- SHA-256 of the cookie value; the value itself is never stored
    user_id      BIGINT      NOT NULL REFERENCES app_user (id) ON DELETE CASCADE,
    created_at   TIMESTAMPTZ NOT NULL DEFAULT now(),
    last_seen_at TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX user_session_user ON user_session (user_id);

CREATE TABLE job (
    id               BIGSERIAL PRIMARY KEY,
    owner_id         BIGINT       NOT NULL REFERENCES app_user (id) ON DELETE CASCADE,
    kind             VARCHAR(20)  NOT NULL CHECK (kind IN ('TEXT_TO_IMAGE', 'VARIATION', 'INTERPOLATION', 'INPAINT')),
    status           VARCHAR(12)  NOT NULL CHECK (status IN ('QUEUED', 'RUNNING', 'SUCCEEDED', 'FAILED', 'CANCELLED')),
    params           JSONB        NOT NULL,
    prompt           TEXT,                      -- copied from params for lists and search
    image_count      INT          NOT NULL CHECK (image_count > 0),
    priority         INT          NOT NULL DEFAULT 0,
    run_after        TIMESTAMPTZ  NOT NULL DEFAULT now(),
    attempts         INT          NOT NULL DEFAULT 0,
    max_attempts     INT          NOT NULL,
    lease_owner      VARCHAR(200),
    lease_token      UUID,
    lease_expires_at TIMESTAMPTZ,
    cancel_requested BOOLEAN      NOT NULL DEFAULT FALSE,
    stage            VARCHAR(40),
    step             INT,
    stage_steps      INT,
    progress         REAL         NOT NULL DEFAULT 0,
    preview          BYTEA,
    error            TEXT,
    pack_name        VARCHAR(100) NOT NULL,
    pack_version     VARCHAR(50)  NOT NULL,
    created_at       TIMESTAMPTZ  NOT NULL DEFAULT now(),
    started_at       TIMESTAMPTZ,
    finished_at      TIMESTAMPTZ,
    updated_at       TIMESTAMPTZ  NOT NULL DEFAULT now()
);
CREATE INDEX job_claimable ON job (priority DESC, created_at) WHERE status = 'QUEUED';
CREATE INDEX job_leases ON job (lease_expires_at) WHERE status = 'RUNNING';
CREATE INDEX job_owner ON job (owner_id, id DESC);

CREATE TABLE image (
    id              BIGSERIAL PRIMARY KEY,
    job_id          BIGINT      NOT NULL REFERENCES job (id) ON DELETE CASCADE,
    owner_id        BIGINT      NOT NULL REFERENCES app_user (id) ON DELETE CASCADE,
    index_in_job    INT         NOT NULL,
    visibility      VARCHAR(8)  NOT NULL DEFAULT 'PRIVATE' CHECK (visibility IN ('PRIVATE', 'SHARED')),
    seed            BIGINT      NOT NULL,
    width           INT         NOT NULL,
    height          INT         NOT NULL,
    prompt          TEXT,
    params          JSONB       NOT NULL,
    source_image_id BIGINT      REFERENCES image (id) ON DELETE SET NULL,
    embedding       REAL[],                     -- CLIP image embedding, for variations
    created_at      TIMESTAMPTZ NOT NULL DEFAULT now(),
    UNIQUE (job_id, index_in_job)               -- a job's results are written exactly once
);
CREATE INDEX image_shared ON image (id DESC) WHERE visibility = 'SHARED';
CREATE INDEX image_owner ON image (owner_id, id DESC);

-- PNG bytes apart from the image rows so that lists stay light.
CREATE TABLE image_data (
    image_id  BIGINT PRIMARY KEY REFERENCES image (id) ON DELETE CASCADE,
    png       BYTEA  NOT NULL,
    thumbnail BYTEA  NOT NULL
);

CREATE TABLE worker (
    name            VARCHAR(200) PRIMARY KEY,   -- instance/device/thread
    instance        VARCHAR(200) NOT NULL,
    device          VARCHAR(20)  NOT NULL,
    state           VARCHAR(10)  NOT NULL CHECK (state IN ('STARTING', 'RUNNING', 'PAUSED', 'DRAINING', 'STOPPED', 'UNHEALTHY')),
    desired_state   VARCHAR(10)  CHECK (desired_state IN ('RUNNING', 'PAUSED', 'DRAINING')),  -- set by admins
    health          TEXT,
    current_job_id  BIGINT,
    jobs_done       BIGINT       NOT NULL DEFAULT 0,
    jobs_failed     BIGINT       NOT NULL DEFAULT 0,
    images_done     BIGINT       NOT NULL DEFAULT 0,
    started_at      TIMESTAMPTZ  NOT NULL DEFAULT now(),
    heartbeat_at    TIMESTAMPTZ  NOT NULL DEFAULT now()
);

-- Queue settings an admin changes at run time; a missing key means the configured default.
CREATE TABLE studio_setting (
    key        VARCHAR(60) PRIMARY KEY,
    value      TEXT        NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL DEFAULT now()
);

-- Prompts matching any of these (case-insensitive substring) are refused with a clear message.
CREATE TABLE prompt_block (
    id         BIGSERIAL PRIMARY KEY,
    pattern    VARCHAR(200) NOT NULL UNIQUE,
    created_at TIMESTAMPTZ  NOT NULL DEFAULT now()
);

-- Personal API tokens: only a SHA-256 of each is stored; the token is shown once.
CREATE TABLE api_token (
    id           BIGSERIAL PRIMARY KEY,
    user_id      BIGINT       NOT NULL REFERENCES app_user (id) ON DELETE CASCADE,
    name         VARCHAR(80)  NOT NULL,
    token_hash   CHAR(64)     NOT NULL UNIQUE,
    created_at   TIMESTAMPTZ  NOT NULL DEFAULT now(),
    last_used_at TIMESTAMPTZ,
    revoked_at   TIMESTAMPTZ
);
CREATE INDEX api_token_user ON api_token (user_id);

-- Inputs of image jobs (uploaded sources, masks), validated and re-encoded as PNG before they are stored.
CREATE TABLE job_input (
    job_id BIGINT      NOT NULL REFERENCES job (id) ON DELETE CASCADE,
    name   VARCHAR(20) NOT NULL,
    png    BYTEA       NOT NULL,
    PRIMARY KEY (job_id, name)
);
