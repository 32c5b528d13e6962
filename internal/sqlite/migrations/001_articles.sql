-- Articles and their immutable versions. A version's manifest CID and SHA-256 are
-- the identities anchored on the ledger, so both are unique across the instance.
CREATE TABLE articles (
    id          INTEGER PRIMARY KEY,
    author      TEXT    NOT NULL CHECK (length(author) BETWEEN 25 AND 35),
    slug        TEXT    NOT NULL UNIQUE CHECK (length(slug) BETWEEN 1 AND 120),
    created_at  TEXT    NOT NULL,
    updated_at  TEXT    NOT NULL
);
CREATE INDEX articles_author ON articles (author);

CREATE TABLE article_versions (
    id              INTEGER PRIMARY KEY,
    article_id      INTEGER NOT NULL REFERENCES articles (id) ON DELETE RESTRICT,
    version         INTEGER NOT NULL CHECK (version >= 1),
    manifest_cid    TEXT    NOT NULL UNIQUE,
    sha256          TEXT    NOT NULL UNIQUE CHECK (length(sha256) = 64),
    author          TEXT    NOT NULL,
    title           TEXT    NOT NULL,
    status          TEXT    NOT NULL CHECK (status IN ('draft', 'stored', 'anchoring', 'published', 'failed')),
    anchor_tx_hash  TEXT    UNIQUE CHECK (anchor_tx_hash IS NULL OR length(anchor_tx_hash) = 64),
    previous_tx     TEXT    CHECK (previous_tx IS NULL OR length(previous_tx) = 64),
    created_at      TEXT    NOT NULL,
    updated_at      TEXT    NOT NULL,
    UNIQUE (article_id, version)
);
CREATE INDEX article_versions_status ON article_versions (status);
