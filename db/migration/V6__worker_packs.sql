-- The model packs each worker has open (up) or could not open (down, with the reason), written when it starts:
-- the console lists every pack with its state, and a queued job whose pack no running worker has open says so.
-- Workers claim only jobs of the packs they have open (the claim is given their names; job.pack_name is the key).
CREATE TABLE worker_pack (
    worker_name VARCHAR(200) NOT NULL REFERENCES worker (name) ON DELETE CASCADE,
    pack        VARCHAR(300) NOT NULL,      -- pack.json's name, or the folder when its manifest cannot be read
    up          BOOLEAN      NOT NULL,
    problem     TEXT,                       -- why it is down
    PRIMARY KEY (worker_name, pack)
);
