-- The view ledger: one row per decision on a view beacon, counted or filtered,
-- with the reason. Rows are append-only and hash-chained: each row's hash covers
-- its fields and the previous row's hash (see package views, Record.Canonical),
-- and `banx views audit` re-walks the chain. id is the chain order, which is the
-- commit order; recorded_at is UTC in the fixed-width format of every other
-- timestamp here, so text order is time order. No raw IP address or cookie is
-- stored: reader_hash and net_hash are keyed hashes.
CREATE TABLE views (
    id           INTEGER PRIMARY KEY,
    article_id   INTEGER NOT NULL REFERENCES articles (id) ON DELETE RESTRICT,
    author       TEXT    NOT NULL CHECK (length(author) BETWEEN 25 AND 35),
    counted      INTEGER NOT NULL CHECK (counted IN (0, 1)),
    reason       TEXT    NOT NULL CHECK (length(reason) BETWEEN 1 AND 32),
    recorded_at  TEXT    NOT NULL CHECK (length(recorded_at) = 30),
    reader_hash  TEXT    CHECK (reader_hash IS NULL OR length(reader_hash) = 32),
    net_hash     TEXT    CHECK (net_hash IS NULL OR length(net_hash) = 32),
    token_id     TEXT    CHECK (token_id IS NULL OR length(token_id) = 24),
    agent        TEXT    CHECK (agent IS NULL OR length(agent) BETWEEN 1 AND 64),
    prev_hash    TEXT    NOT NULL CHECK (length(prev_hash) = 64),
    hash         TEXT    NOT NULL CHECK (length(hash) = 64),
    CHECK ((counted = 1) = (reason = 'counted'))
);

-- Epoch planning reads the counted views of a time range; stats read both.
CREATE INDEX views_counted_recorded_at ON views (counted, recorded_at);

-- Append-only: the database itself refuses to change or remove a decision.
CREATE TRIGGER views_no_update BEFORE UPDATE ON views
BEGIN
    SELECT RAISE(ABORT, 'views is append-only: UPDATE refused');
END;

CREATE TRIGGER views_no_delete BEFORE DELETE ON views
BEGIN
    SELECT RAISE(ABORT, 'views is append-only: DELETE refused');
END;
