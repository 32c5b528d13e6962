-- BXE rewards: authors' preferences, epoch plans and the payout state machine.
-- Carries and rollovers are not stored: they are derived from the previous
-- plan and its final payouts, so there is one source of truth for each amount.

-- An author's split of their rewards among accounts, in basis points summing to
-- 10000 (checked by the service; SQLite cannot check a sum across rows).
CREATE TABLE reward_beneficiaries (
    author        TEXT    NOT NULL CHECK (length(author) BETWEEN 25 AND 35),
    account       TEXT    NOT NULL CHECK (length(account) BETWEEN 25 AND 35),
    basis_points  INTEGER NOT NULL CHECK (basis_points BETWEEN 1 AND 10000),
    updated_at    TEXT    NOT NULL,
    PRIMARY KEY (author, account)
) WITHOUT ROWID;

-- Authors who decline rewards: their views do not count towards the split.
CREATE TABLE reward_declines (
    author       TEXT PRIMARY KEY CHECK (length(author) BETWEEN 25 AND 35),
    declined_at  TEXT NOT NULL
) WITHOUT ROWID;

-- One plan per closed epoch: the canonical document and its Merkle root.
CREATE TABLE payout_plans (
    epoch          INTEGER PRIMARY KEY CHECK (epoch >= 0),
    network        TEXT    NOT NULL,
    root           TEXT    NOT NULL CHECK (length(root) = 64),
    document       BLOB    NOT NULL,
    created_at     TEXT    NOT NULL
);

-- One row per payment of a plan. tx_* hold the live (or final) transaction;
-- they are written before the blob is ever submitted.
CREATE TABLE payouts (
    id               INTEGER PRIMARY KEY,
    epoch            INTEGER NOT NULL REFERENCES payout_plans (epoch) ON DELETE RESTRICT,
    author           TEXT    NOT NULL,
    account          TEXT    NOT NULL,
    amount           TEXT    NOT NULL,
    status           TEXT    NOT NULL CHECK (status IN ('pending', 'signed', 'submitted', 'paid', 'deferred', 'failed')),
    attempt          INTEGER NOT NULL DEFAULT 0 CHECK (attempt >= 0),
    tx_hash          TEXT    UNIQUE CHECK (tx_hash IS NULL OR length(tx_hash) = 64),
    tx_blob          TEXT,
    sequence         INTEGER,
    last_ledger_seq  INTEGER,
    result           TEXT,
    delivered        TEXT,
    ledger_index     INTEGER,
    reason           TEXT,
    updated_at       TEXT    NOT NULL,
    UNIQUE (epoch, author, account),
    CHECK (status = 'pending' OR (tx_hash IS NOT NULL AND tx_blob IS NOT NULL AND last_ledger_seq IS NOT NULL))
);
CREATE INDEX payouts_epoch_status ON payouts (epoch, status);

-- Every transaction ever signed for a payment that expired unapplied, so the
-- history of a payment is complete (a dead hash can never apply: it is proof,
-- not a liability).
CREATE TABLE payout_expired (
    tx_hash          TEXT    PRIMARY KEY CHECK (length(tx_hash) = 64),
    payout_id        INTEGER NOT NULL REFERENCES payouts (id) ON DELETE RESTRICT,
    attempt          INTEGER NOT NULL,
    sequence         INTEGER,
    last_ledger_seq  INTEGER NOT NULL,
    validated_ledger INTEGER NOT NULL,
    last_result      TEXT,
    expired_at       TEXT    NOT NULL
) WITHOUT ROWID;
