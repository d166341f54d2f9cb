-- What each stage of each pack costs, as the workers measure it: progress weighs a job's stages by these figures
-- (a decoder step costs many prior steps) and the ETA starts from them. Per step and image, so that jobs of any
-- size and step count feed one figure: the mean of the first five stage runs, then each new one weighs 1/5.
CREATE TABLE stage_cost (
    pack_name       VARCHAR(100)     NOT NULL,
    stage           VARCHAR(40)      NOT NULL,
    millis_per_step DOUBLE PRECISION NOT NULL CHECK (millis_per_step >= 0),  -- per image
    samples         BIGINT           NOT NULL,
    updated_at      TIMESTAMPTZ      NOT NULL DEFAULT now(),
    PRIMARY KEY (pack_name, stage)
);

-- When a running job should end, by its worker's estimate: only ever moved earlier while the job runs, so the
-- time left that pages show counts down and never jumps up.
ALTER TABLE job ADD COLUMN eta_at TIMESTAMPTZ;
