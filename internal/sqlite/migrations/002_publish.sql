-- Sign-in and publishing: wallet challenges, sessions (tokens stored only as
-- SHA-256), anchor transactions with everything needed to resume them after a
-- crash, and per-version anchoring details.

CREATE TABLE auth_challenges (
    nonce       TEXT PRIMARY KEY CHECK (length(nonce) = 32),
    address     TEXT NOT NULL CHECK (length(address) BETWEEN 25 AND 35),
    domain      TEXT NOT NULL,
    issued_at   TEXT NOT NULL,
    expires_at  TEXT NOT NULL,
    used_at     TEXT
);
CREATE INDEX auth_challenges_expires ON auth_challenges (expires_at);

CREATE TABLE sessions (
    id          INTEGER PRIMARY KEY,
    token_hash  TEXT NOT NULL UNIQUE CHECK (length(token_hash) = 64),
    address     TEXT NOT NULL CHECK (length(address) BETWEEN 25 AND 35),
    public_key  TEXT NOT NULL,
    nonce       TEXT NOT NULL UNIQUE REFERENCES auth_challenges (nonce),
    created_at  TEXT NOT NULL,
    expires_at  TEXT NOT NULL,
    revoked_at  TEXT
);
CREATE INDEX sessions_address ON sessions (address);

-- One row per anchor transaction. The signed blob, its hash and its
-- LastLedgerSequence are written (status 'submitted') before the blob is
-- submitted, so a restart can look the hash up before doing anything else.
CREATE TABLE anchors (
    id               INTEGER PRIMARY KEY,
    mode             TEXT    NOT NULL CHECK (mode IN ('self', 'batch')),
    account          TEXT    NOT NULL CHECK (length(account) BETWEEN 25 AND 35),
    unsigned_tx      TEXT    NOT NULL DEFAULT '',
    tx_blob          TEXT    NOT NULL DEFAULT '',
    tx_hash          TEXT    UNIQUE CHECK (tx_hash IS NULL OR length(tx_hash) = 64),
    last_ledger_seq  INTEGER NOT NULL DEFAULT 0 CHECK (last_ledger_seq >= 0),
    status           TEXT    NOT NULL CHECK (status IN ('prepared', 'submitted', 'validated', 'failed')),
    result           TEXT    NOT NULL DEFAULT '',
    reason           TEXT    NOT NULL DEFAULT '',
    ledger_index     INTEGER NOT NULL DEFAULT 0,
    memo_type        TEXT    NOT NULL,
    memo_format      TEXT    NOT NULL,
    memo_data        TEXT    NOT NULL,
    root             TEXT    NOT NULL DEFAULT '',
    leaves           INTEGER NOT NULL DEFAULT 0,
    created_at       TEXT    NOT NULL,
    updated_at       TEXT    NOT NULL,
    CHECK (status = 'prepared' OR (tx_hash IS NOT NULL AND tx_blob <> '' AND last_ledger_seq > 0))
);
CREATE INDEX anchors_status ON anchors (status);

-- article_versions is rebuilt to drop the uniqueness of anchor_tx_hash (every
-- version of a platform batch shares the batch's transaction) and to add the
-- anchoring columns. Nothing references it yet, so the rebuild is safe.
CREATE TABLE article_versions_new (
    id              INTEGER PRIMARY KEY,
    article_id      INTEGER NOT NULL REFERENCES articles (id) ON DELETE RESTRICT,
    version         INTEGER NOT NULL CHECK (version >= 1),
    manifest_cid    TEXT    NOT NULL UNIQUE,
    sha256          TEXT    NOT NULL UNIQUE CHECK (length(sha256) = 64),
    author          TEXT    NOT NULL,
    title           TEXT    NOT NULL,
    status          TEXT    NOT NULL CHECK (status IN ('draft', 'stored', 'anchoring', 'published', 'failed')),
    anchor_tx_hash  TEXT    CHECK (anchor_tx_hash IS NULL OR length(anchor_tx_hash) = 64),
    previous_tx     TEXT    CHECK (previous_tx IS NULL OR length(previous_tx) = 64),
    created_at      TEXT    NOT NULL,
    updated_at      TEXT    NOT NULL,
    mode            TEXT    CHECK (mode IS NULL OR mode IN ('self', 'batch')),
    anchor_id       INTEGER REFERENCES anchors (id),
    leaf_public_key TEXT    NOT NULL DEFAULT '',
    leaf_signature  TEXT    NOT NULL DEFAULT '',
    leaf_index      INTEGER NOT NULL DEFAULT 0,
    proof_path      TEXT    NOT NULL DEFAULT '',
    network_id      INTEGER NOT NULL DEFAULT 0,
    failure_reason  TEXT    NOT NULL DEFAULT '',
    UNIQUE (article_id, version)
);
INSERT INTO article_versions_new
    (id, article_id, version, manifest_cid, sha256, author, title, status, anchor_tx_hash, previous_tx, created_at, updated_at)
    SELECT id, article_id, version, manifest_cid, sha256, author, title, status, anchor_tx_hash, previous_tx, created_at, updated_at
    FROM article_versions;
DROP TABLE article_versions;
ALTER TABLE article_versions_new RENAME TO article_versions;
CREATE INDEX article_versions_status ON article_versions (status);
CREATE INDEX article_versions_anchor_tx ON article_versions (anchor_tx_hash);
CREATE INDEX article_versions_anchor ON article_versions (anchor_id);
CREATE INDEX article_versions_pending ON article_versions (status, mode, anchor_id);
