-- Full-text search over the newest published version of each article.
--
-- article_text holds what only a version's manifest (on IPFS) carries: summary,
-- body as plain text, tags and category. The code that has the manifest at hand
-- writes it (DB.SetArticleText); the database cannot read IPFS.
--
-- article_search is the FTS5 index: one row per article with a published
-- version, rowid = article id, holding the newest published version (version_id)
-- with its text. Triggers keep it in step with article_versions and article_text,
-- so no code path that publishes needs to know about search.
--
-- article_text_wanted lists the versions the index shows without their text yet
-- (published before their text was written, or before this migration): the
-- indexer reads their manifests and fills them in (DB.ArticleTextWanted).

CREATE TABLE article_text (
    version_id  INTEGER PRIMARY KEY REFERENCES article_versions (id),
    summary     TEXT    NOT NULL,
    body        TEXT    NOT NULL,
    tags        TEXT    NOT NULL,
    category    TEXT    NOT NULL,
    indexed_at  TEXT    NOT NULL
);

CREATE TABLE article_text_wanted (
    version_id  INTEGER PRIMARY KEY REFERENCES article_versions (id)
);

-- unicode61 with remove_diacritics 2 folds case and accents (café = cafe,
-- Łódź = lodz); prefix indexes make 2- and 3-letter prefix searches cheap.
CREATE VIRTUAL TABLE article_search USING fts5 (
    title, summary, body, tags, category, author,
    version_id UNINDEXED,
    tokenize = 'unicode61 remove_diacritics 2',
    prefix = '2 3'
);

-- The same three statements in every trigger: replace the article's row by its
-- newest published version (with its text when known), then record whether that
-- version still wants its text. char(2) and char(3) are the match markers of
-- search results (package search), so they never enter the index.

CREATE TRIGGER article_search_publish AFTER INSERT ON article_versions
WHEN NEW.status = 'published'
BEGIN
    DELETE FROM article_search WHERE rowid = NEW.article_id;
    INSERT INTO article_search (rowid, title, summary, body, tags, category, author, version_id)
        SELECT v.article_id, replace(replace(v.title, char(2), ' '), char(3), ' '),
               COALESCE(t.summary, ''), COALESCE(t.body, ''), COALESCE(t.tags, ''), COALESCE(t.category, ''), v.author, v.id
        FROM article_versions v LEFT JOIN article_text t ON t.version_id = v.id
        WHERE v.article_id = NEW.article_id AND v.status = 'published'
        ORDER BY v.version DESC LIMIT 1;
    DELETE FROM article_text_wanted WHERE version_id IN (SELECT id FROM article_versions WHERE article_id = NEW.article_id);
    INSERT INTO article_text_wanted (version_id)
        SELECT s.version_id FROM article_search s
        WHERE s.rowid = NEW.article_id AND NOT EXISTS (SELECT 1 FROM article_text t WHERE t.version_id = s.version_id);
END;

CREATE TRIGGER article_search_republish AFTER UPDATE OF status, title ON article_versions
WHEN NEW.status = 'published' AND (OLD.status <> 'published' OR OLD.title <> NEW.title)
BEGIN
    DELETE FROM article_search WHERE rowid = NEW.article_id;
    INSERT INTO article_search (rowid, title, summary, body, tags, category, author, version_id)
        SELECT v.article_id, replace(replace(v.title, char(2), ' '), char(3), ' '),
               COALESCE(t.summary, ''), COALESCE(t.body, ''), COALESCE(t.tags, ''), COALESCE(t.category, ''), v.author, v.id
        FROM article_versions v LEFT JOIN article_text t ON t.version_id = v.id
        WHERE v.article_id = NEW.article_id AND v.status = 'published'
        ORDER BY v.version DESC LIMIT 1;
    DELETE FROM article_text_wanted WHERE version_id IN (SELECT id FROM article_versions WHERE article_id = NEW.article_id);
    INSERT INTO article_text_wanted (version_id)
        SELECT s.version_id FROM article_search s
        WHERE s.rowid = NEW.article_id AND NOT EXISTS (SELECT 1 FROM article_text t WHERE t.version_id = s.version_id);
END;

CREATE TRIGGER article_search_text AFTER INSERT ON article_text
WHEN (SELECT status FROM article_versions WHERE id = NEW.version_id) = 'published'
BEGIN
    DELETE FROM article_search WHERE rowid = (SELECT article_id FROM article_versions WHERE id = NEW.version_id);
    INSERT INTO article_search (rowid, title, summary, body, tags, category, author, version_id)
        SELECT v.article_id, replace(replace(v.title, char(2), ' '), char(3), ' '),
               COALESCE(t.summary, ''), COALESCE(t.body, ''), COALESCE(t.tags, ''), COALESCE(t.category, ''), v.author, v.id
        FROM article_versions v LEFT JOIN article_text t ON t.version_id = v.id
        WHERE v.article_id = (SELECT article_id FROM article_versions WHERE id = NEW.version_id) AND v.status = 'published'
        ORDER BY v.version DESC LIMIT 1;
    DELETE FROM article_text_wanted WHERE version_id = NEW.version_id;
END;

CREATE TRIGGER article_search_text_update AFTER UPDATE ON article_text
WHEN (SELECT status FROM article_versions WHERE id = NEW.version_id) = 'published'
BEGIN
    DELETE FROM article_search WHERE rowid = (SELECT article_id FROM article_versions WHERE id = NEW.version_id);
    INSERT INTO article_search (rowid, title, summary, body, tags, category, author, version_id)
        SELECT v.article_id, replace(replace(v.title, char(2), ' '), char(3), ' '),
               COALESCE(t.summary, ''), COALESCE(t.body, ''), COALESCE(t.tags, ''), COALESCE(t.category, ''), v.author, v.id
        FROM article_versions v LEFT JOIN article_text t ON t.version_id = v.id
        WHERE v.article_id = (SELECT article_id FROM article_versions WHERE id = NEW.version_id) AND v.status = 'published'
        ORDER BY v.version DESC LIMIT 1;
    DELETE FROM article_text_wanted WHERE version_id = NEW.version_id;
END;

-- Backfill: every article already published, with its newest published version;
-- their text is wanted from their manifests.
INSERT INTO article_search (rowid, title, summary, body, tags, category, author, version_id)
    SELECT v.article_id, replace(replace(v.title, char(2), ' '), char(3), ' '), '', '', '', '', v.author, v.id
    FROM article_versions v
    WHERE v.status = 'published' AND v.version = (SELECT MAX(w.version) FROM article_versions w
        WHERE w.article_id = v.article_id AND w.status = 'published');
INSERT INTO article_text_wanted (version_id) SELECT version_id FROM article_search;
