-- Failed sign-ins, per account (the name as typed, lower case) and per client address, kept here so that every
-- instance throttles alike. After a few failures each further one doubles the wait (blocked_until); a success
-- clears the account's row; a failure more than an hour after the previous one starts counting again.
CREATE TABLE sign_in_failure (
    kind            VARCHAR(10)  NOT NULL CHECK (kind IN ('ACCOUNT', 'ADDRESS')),
    key             VARCHAR(200) NOT NULL,
    failures        INT          NOT NULL,
    last_failure_at TIMESTAMPTZ  NOT NULL,
    blocked_until   TIMESTAMPTZ,
    PRIMARY KEY (kind, key)
);

-- Accounts created on the sign-up page in the last hour, per client address (the hourly sign-up limit).
CREATE TABLE sign_up (
    address    VARCHAR(200) NOT NULL,
    created_at TIMESTAMPTZ  NOT NULL
);
CREATE INDEX sign_up_address ON sign_up (address, created_at);
