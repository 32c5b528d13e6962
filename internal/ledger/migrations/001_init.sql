-- Closed (= validated) ledger headers.
CREATE TABLE ledgers (
	seq               INTEGER PRIMARY KEY,
	hash              BLOB NOT NULL UNIQUE,
	parent_hash       BLOB NOT NULL,
	account_hash      BLOB NOT NULL,
	tx_hash           BLOB NOT NULL,
	total_drops       INTEGER NOT NULL,
	close_time        INTEGER NOT NULL,
	parent_close_time INTEGER NOT NULL,
	resolution        INTEGER NOT NULL,
	close_flags       INTEGER NOT NULL,
	tx_count          INTEGER NOT NULL
);

-- Every applied transaction with its binary metadata.
CREATE TABLE txs (
	hash       BLOB PRIMARY KEY,
	ledger_seq INTEGER NOT NULL,
	tx_index   INTEGER NOT NULL,
	blob       BLOB NOT NULL,
	meta       BLOB NOT NULL
) WITHOUT ROWID;
CREATE INDEX txs_by_ledger ON txs (ledger_seq, tx_index);

-- The accounts each transaction affected, for account_tx.
CREATE TABLE account_tx (
	account    BLOB NOT NULL,
	ledger_seq INTEGER NOT NULL,
	tx_index   INTEGER NOT NULL,
	hash       BLOB NOT NULL,
	PRIMARY KEY (account, ledger_seq, tx_index)
) WITHOUT ROWID;

-- Every version of every ledger entry: data is NULL from the ledger that deleted it.
CREATE TABLE state (
	key  BLOB NOT NULL,
	seq  INTEGER NOT NULL,
	data BLOB,
	PRIMARY KEY (key, seq)
) WITHOUT ROWID;
