package sqlite

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/banxmedia/banx/internal/banx"
	"github.com/banxmedia/banx/internal/views"
	sqlite3 "github.com/mattn/go-sqlite3"
)

// ViewLedgerConfig configures OpenViewLedger.
type ViewLedgerConfig struct {
	// Key is the server's secret view key (at least views.MinKeySize bytes).
	Key []byte
	// Policy holds the decision thresholds; the zero value means views.DefaultPolicy().
	Policy views.Policy
	// Now is the clock for token times and records; nil means the DB's clock.
	Now func() time.Time
	// MaxBatch bounds how many beacons one transaction commits; default 1024.
	MaxBatch int
	// QueueSize is how many beacons may wait for the writer; default 8192.
	QueueSize int
	// Linger is how long the writer may wait for a batch to fill before it
	// commits (see write); default 5 ms. Negative means never wait.
	Linger time.Duration
}

// ViewLedger issues view tokens and records every beacon's decision in the
// hash-chained views table.
//
// Durability with speed comes from group commit: request goroutines verify the
// token and hash the reader in parallel, then queue the beacon; one writer
// goroutine takes everything queued, decides each beacon in order, seals the
// records into the chain, and commits them in one transaction with
// synchronous=FULL (the WAL is fsynced before COMMIT returns). Only then is each
// beacon answered. While one batch is being fsynced the next one queues, so the
// fsync cost is shared by all the beacons that arrive during it. Chain order is
// commit order, and the single writer makes the decision rules exact.
type ViewLedger struct {
	db       *DB
	keys     *views.Keys
	policy   views.Policy
	now      func() time.Time
	maxBatch int
	linger   time.Duration

	reqs chan *viewReq
	quit chan struct{}
	done chan struct{}
	stop sync.Once

	authorsMu sync.RWMutex
	authors   map[int64]string // published articles' authors; authors never change

	malformed, unknown, shed atomic.Int64 // beacons refused before they could be recorded
	agents                   views.AgentCache

	// Owned by the writer goroutine (and by OpenViewLedger before it starts).
	judge    *views.Judge
	lastID   int64
	lastHash string
	lastAt   time.Time
	stmts    *viewInserts
}

type viewReq struct {
	attempt views.Attempt
	article int64
	author  string
	agent   string
	result  chan viewResult
}

type viewResult struct {
	rec views.Record
	err error
}

// OpenViewLedger loads the chain's head and the last Window of decisions (so
// replays, duplicates and caps survive a restart) and starts the writer.
// EINVALID for a bad key or policy.
func (db *DB) OpenViewLedger(ctx context.Context, cfg ViewLedgerConfig) (*ViewLedger, error) {
	keys, err := views.NewKeys(cfg.Key)
	if err != nil {
		return nil, err
	}
	if cfg.Policy == (views.Policy{}) {
		cfg.Policy = views.DefaultPolicy()
	}
	if err := cfg.Policy.Validate(); err != nil {
		return nil, err
	}
	if cfg.Now == nil {
		cfg.Now = func() time.Time { return db.Now() }
	}
	if cfg.MaxBatch <= 0 {
		cfg.MaxBatch = 1024
	}
	if cfg.QueueSize <= 0 {
		cfg.QueueSize = 8192
	}
	if cfg.Linger == 0 {
		cfg.Linger = 5 * time.Millisecond
	}
	l := &ViewLedger{
		db: db, keys: keys, policy: cfg.Policy, now: cfg.Now, maxBatch: cfg.MaxBatch, linger: cfg.Linger,
		reqs: make(chan *viewReq, cfg.QueueSize), quit: make(chan struct{}), done: make(chan struct{}),
		authors: map[int64]string{},
	}
	if err := l.load(ctx); err != nil {
		return nil, err
	}
	go l.write()
	return l, nil
}

// Close stops taking beacons, records those already queued and stops the writer.
func (l *ViewLedger) Close() error {
	l.stop.Do(func() { close(l.quit) })
	<-l.done
	return nil
}

// Policy returns the thresholds in force, so pages can tell readers the dwell.
func (l *ViewLedger) Policy() views.Policy { return l.policy }

// IssueViewToken signs a token for the reader with cookie id readerID to read
// article articleID. EINVALID for a bad id, ENOTFOUND for an unknown article,
// ECONFLICT for an article with no published version: only published articles
// accept views.
func (l *ViewLedger) IssueViewToken(ctx context.Context, articleID int64, readerID string) (views.IssuedToken, error) {
	if articleID <= 0 {
		return views.IssuedToken{}, banx.Errorf(banx.EINVALID, "article id must be a positive integer, got %d", articleID)
	}
	if !views.ValidReaderID(readerID) {
		return views.IssuedToken{}, banx.Errorf(banx.EINVALID, "reader id is malformed")
	}
	if _, err := l.publishedAuthor(ctx, articleID); err != nil {
		return views.IssuedToken{}, err
	}
	now := l.now()
	tok, c, err := l.keys.IssueToken(articleID, l.keys.ReaderHash(readerID), now)
	if err != nil {
		return views.IssuedToken{}, err
	}
	return views.IssuedToken{Token: tok, ArticleID: articleID, IssuedAt: c.IssuedAt,
		NotBefore: c.IssuedAt.Add(l.policy.Dwell), ExpiresAt: c.IssuedAt.Add(l.policy.TokenTTL)}, nil
}

// publishedAuthor returns the author of a published article. Published is a
// final status, so the answer is cached.
func (l *ViewLedger) publishedAuthor(ctx context.Context, articleID int64) (string, error) {
	l.authorsMu.RLock()
	author, ok := l.authors[articleID]
	l.authorsMu.RUnlock()
	if ok {
		return author, nil
	}
	var published bool
	err := l.db.read.QueryRowContext(ctx, `SELECT author, EXISTS (SELECT 1 FROM article_versions
		WHERE article_id = articles.id AND status = 'published') FROM articles WHERE id = ?`, articleID).Scan(&author, &published)
	if errors.Is(err, sql.ErrNoRows) {
		return "", banx.Errorf(banx.ENOTFOUND, "article %d does not exist", articleID)
	}
	if err != nil {
		return "", translate(err, "find article")
	}
	if !published {
		return "", banx.Errorf(banx.ECONFLICT, "article %d has no published version: views count only on published articles", articleID)
	}
	l.authorsMu.Lock()
	l.authors[articleID] = author
	l.authorsMu.Unlock()
	return author, nil
}

// articleAuthor returns the author of any existing article, published or not,
// so that a forged token naming a draft is still recorded.
func (l *ViewLedger) articleAuthor(ctx context.Context, articleID int64) (string, error) {
	author, err := l.publishedAuthor(ctx, articleID)
	if banx.ErrorCode(err) != banx.ECONFLICT {
		return author, err
	}
	err = l.db.read.QueryRowContext(ctx, `SELECT author FROM articles WHERE id = ?`, articleID).Scan(&author)
	return author, translate(err, "find article")
}

// RecordView decides one beacon and returns its record once it is committed.
// A beacon whose token is not even shaped like one is EINVALID and a token
// naming an unknown article is ENOTFOUND: neither can be attributed, so neither
// is recorded. A beacon from a network past Policy.RecordRate is EUNAVAILABLE
// and not recorded either (all three are counted in Stats.Unrecorded). Every
// other beacon is recorded, counted or with the reason it was filtered.
// EUNAVAILABLE also when the ledger is closed or the commit fails.
func (l *ViewLedger) RecordView(ctx context.Context, b views.Beacon) (views.Record, error) {
	readerHash := l.keys.ReaderHash(b.ReaderID)
	claims, forged, err := l.keys.VerifyToken(b.Token, readerHash)
	if err != nil {
		l.malformed.Add(1)
		return views.Record{}, err
	}
	author, err := l.articleAuthor(ctx, claims.ArticleID)
	if err != nil {
		if banx.ErrorCode(err) == banx.ENOTFOUND {
			l.unknown.Add(1)
		}
		return views.Record{}, err
	}
	agent, bot := l.agents.DetectBot(b.UserAgent, b.SecCHUA)
	if b.Webdriver && !bot {
		agent, bot = "navigator.webdriver", true
	}
	r := &viewReq{
		attempt: views.Attempt{Claims: claims, Forged: forged, ReaderHash: readerHash, NetHash: l.keys.NetHash(b.Addr), Bot: bot},
		article: claims.ArticleID, author: author, agent: agent,
		result: make(chan viewResult, 1),
	}
	select {
	case l.reqs <- r:
	case <-l.quit:
		return views.Record{}, banx.Errorf(banx.EUNAVAILABLE, "view ledger is shutting down")
	case <-ctx.Done():
		return views.Record{}, banx.Wrap(banx.EUNAVAILABLE, ctx.Err(), "beacon not queued")
	}
	select {
	case res := <-r.result:
		return res.rec, res.err
	case <-l.done:
		select {
		case res := <-r.result:
			return res.rec, res.err
		default:
			return views.Record{}, banx.Errorf(banx.EUNAVAILABLE, "view ledger closed before recording the beacon")
		}
	}
}

// write is the writer goroutine: it commits what is queued as one batch, and
// on shutdown commits what is left.
//
// A commit costs as much CPU as dozens of inserted rows (the WAL written and
// fsynced, the checkpoint's share: about 0.6 ms on a 2-core VM), so batches
// are worth filling: while fewer than fillTarget beacons are in hand and more
// keep arriving, the writer waits for them, up to Linger. When a nap brings
// none, the load is not outrunning the writer and it commits at once, so a
// quiet server adds at most one nap to a beacon. Beacons are sent by
// sendBeacon after the reader has dwelt for seconds; nobody waits on these
// milliseconds, and a busy server spends its CPU on beacons instead of on
// commits (BenchmarkViewBeacon: about 30 beacons a commit and 100-112 us of CPU a
// beacon without lingering; 75-90 a commit and 76-90 us with).
func (l *ViewLedger) write() {
	defer close(l.done)
	batch := make([]*viewReq, 0, l.maxBatch)
	for {
		select {
		case r := <-l.reqs:
			batch = l.fill(append(batch[:0], r))
			// The writer naps rather than waking for every beacon that
			// arrives: a wake-up per beacon would cost more than it saves.
			for waited := time.Duration(0); len(batch) < min(fillTarget, l.maxBatch) && waited < l.linger; waited += lingerStep {
				time.Sleep(lingerStep)
				n := len(batch)
				if batch = l.fill(batch); len(batch) == n {
					break // none came: waiting longer would only add latency
				}
			}
			l.commit(batch)
		case <-l.quit:
			for {
				batch = l.fill(batch[:0])
				if len(batch) == 0 {
					return
				}
				l.commit(batch)
			}
		}
	}
}

// fillTarget is the batch size past which the writer commits without
// lingering: the commit's cost is then a small share of the batch's. lingerStep
// is how long it naps between looks at the queue while it lingers.
const (
	fillTarget = 256
	lingerStep = 250 * time.Microsecond
)

// fill adds queued beacons to batch without waiting, up to MaxBatch.
func (l *ViewLedger) fill(batch []*viewReq) []*viewReq {
	for len(batch) < l.maxBatch {
		select {
		case r := <-l.reqs:
			batch = append(batch, r)
		default:
			return batch
		}
	}
	return batch
}

// commit decides, seals and stores one batch, then answers its beacons. If the
// transaction fails nothing of the batch exists, so the Judge and the chain head
// are rebuilt from the database before the next batch.
func (l *ViewLedger) commit(batch []*viewReq) {
	recs := make([]views.Record, 0, len(batch))
	admitted := make([]*viewReq, 0, len(batch))
	id, prev, last := l.lastID, l.lastHash, l.lastAt
	for _, r := range batch {
		at := l.now().UTC()
		if at.Before(last) {
			at = last // id order and time order must agree even if the clock steps back
		}
		if !l.judge.Admit(r.attempt.NetHash, at) {
			l.shed.Add(1)
			r.result <- viewResult{err: banx.Errorf(banx.EUNAVAILABLE, "too many beacons from this network: try again later")}
			continue
		}
		admitted = append(admitted, r)
		last = at
		r.attempt.At = at
		reason := l.judge.Decide(r.attempt)
		id++
		rec := views.Record{ID: id, ArticleID: r.article, Author: r.author, Counted: reason == views.Counted,
			Reason: reason, RecordedAt: at, ReaderHash: r.attempt.ReaderHash, NetHash: r.attempt.NetHash}
		if !r.attempt.Forged {
			rec.TokenID = r.attempt.Claims.ID()
		}
		if reason == views.Bot {
			rec.Agent = r.agent
		}
		rec.Seal(prev)
		prev = rec.Hash
		recs = append(recs, rec)
	}
	if len(recs) == 0 {
		return
	}
	batch = admitted
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := l.insert(ctx, recs); err != nil {
		for _, r := range batch {
			r.result <- viewResult{err: err}
		}
		if lerr := l.load(ctx); lerr != nil {
			// The head is unknown: refuse beacons rather than fork the chain.
			l.lastID, l.lastHash = -1, ""
		}
		return
	}
	l.lastID, l.lastHash, l.lastAt = id, prev, last
	for i, r := range batch {
		r.result <- viewResult{rec: recs[i]}
	}
}

const insertViews = `INSERT INTO views (id, article_id, author, counted, reason, recorded_at,
	reader_hash, net_hash, token_id, agent, prev_hash, hash) VALUES `

// insertChunk is how many rows the larger of the writer's two INSERT
// statements carries; the rest of a batch goes one row at a time. Both are
// prepared once per connection: a statement whose text changed with every
// batch's size would be compiled anew for most batches.
const insertChunk = 32

// viewInserts are the writer connection's prepared statements.
type viewInserts struct {
	conn       *sqlite3.SQLiteConn // the connection they were prepared on
	chunk, one driver.StmtExecContext
	args       []driver.NamedValue
}

// insert writes recs in one transaction on the writer connection; the database
// runs with synchronous=FULL (openPool), so a view is acknowledged only once
// it is on disk. It drives the driver connection directly: database/sql's
// per-call conversions and context goroutines cost more than SQLite's own
// work on an insert this small.
func (l *ViewLedger) insert(ctx context.Context, recs []views.Record) error {
	if l.lastID < 0 {
		return banx.Errorf(banx.EUNAVAILABLE, "view ledger lost its chain head after a failed commit; restart banx")
	}
	conn, err := l.db.write.Conn(ctx)
	if err != nil {
		return translate(err, "record views")
	}
	defer conn.Close()
	err = conn.Raw(func(dc any) error {
		c, ok := dc.(*sqlite3.SQLiteConn)
		if !ok {
			return fmt.Errorf("writer connection is a %T, not SQLite's", dc)
		}
		st, err := l.prepareInserts(c)
		if err != nil {
			return err
		}
		// No context from here on: the driver would start a goroutine per
		// statement to watch it, and a commit cannot be cancelled halfway.
		bg := context.Background()
		if _, err := c.ExecContext(bg, "BEGIN IMMEDIATE", nil); err != nil {
			return err
		}
		if err := st.insertAll(bg, recs); err != nil {
			c.ExecContext(bg, "ROLLBACK", nil)
			return err
		}
		if _, err := c.ExecContext(bg, "COMMIT", nil); err != nil {
			c.ExecContext(bg, "ROLLBACK", nil)
			return err
		}
		return nil
	})
	return translate(err, fmt.Sprintf("record views %d to %d", recs[0].ID, recs[len(recs)-1].ID))
}

// prepareInserts returns the statements prepared on c, preparing them when c
// is new (the pool replaced its connection).
func (l *ViewLedger) prepareInserts(c *sqlite3.SQLiteConn) (*viewInserts, error) {
	if l.stmts != nil && l.stmts.conn == c {
		return l.stmts, nil
	}
	prep := func(rows int) (driver.StmtExecContext, error) {
		q := insertViews + strings.TrimSuffix(strings.Repeat("(?,?,?,?,?,?,?,?,?,?,?,?),", rows), ",")
		st, err := c.Prepare(q)
		if err != nil {
			return nil, err
		}
		return st.(driver.StmtExecContext), nil
	}
	chunk, err := prep(insertChunk)
	if err != nil {
		return nil, err
	}
	one, err := prep(1)
	if err != nil {
		return nil, err
	}
	if old := l.stmts; old != nil {
		// The pool closed the old connection; SQLite keeps it open until
		// its statements are finalized.
		old.chunk.(driver.Stmt).Close()
		old.one.(driver.Stmt).Close()
	}
	l.stmts = &viewInserts{conn: c, chunk: chunk, one: one, args: make([]driver.NamedValue, 12*insertChunk)}
	for i := range l.stmts.args {
		l.stmts.args[i].Ordinal = i + 1
	}
	return l.stmts, nil
}

// insertAll inserts recs with the chunk statement, then the rest one by one.
func (st *viewInserts) insertAll(ctx context.Context, recs []views.Record) error {
	for len(recs) > 0 {
		stmt, n := st.chunk, insertChunk
		if len(recs) < insertChunk {
			stmt, n = st.one, 1
		}
		args := st.args[:12*n]
		for i := range n {
			r := &recs[i]
			a := args[12*i : 12*i+12]
			counted := int64(0)
			if r.Counted {
				counted = 1
			}
			a[0].Value, a[1].Value, a[2].Value, a[3].Value = r.ID, r.ArticleID, r.Author, counted
			a[4].Value, a[5].Value = string(r.Reason), r.RecordedAt.Format(timeFormat)
			a[6].Value, a[7].Value, a[8].Value, a[9].Value = nullable(r.ReaderHash), nullable(r.NetHash), nullable(r.TokenID), nullable(r.Agent)
			a[10].Value, a[11].Value = r.PrevHash, r.Hash
		}
		if _, err := stmt.ExecContext(ctx, args); err != nil {
			return err
		}
		recs = recs[n:]
	}
	return nil
}

// load reads the chain head and replays the last Window of decisions into a
// fresh Judge.
func (l *ViewLedger) load(ctx context.Context) error {
	l.judge = views.NewJudge(l.policy)
	l.lastID, l.lastHash, l.lastAt = 0, views.GenesisHash, time.Time{}
	var at string
	err := l.db.write.QueryRowContext(ctx, `SELECT id, hash, recorded_at FROM views ORDER BY id DESC LIMIT 1`).Scan(&l.lastID, &l.lastHash, &at)
	if errors.Is(err, sql.ErrNoRows) {
		return nil
	}
	if err != nil {
		return translate(err, "read view chain head")
	}
	if l.lastAt, err = parseTime(at); err != nil {
		return err
	}
	since := l.lastAt.Add(-l.policy.Window).Format(timeFormat)
	rows, err := l.db.write.QueryContext(ctx, `SELECT `+viewColumns+` FROM views
		WHERE counted IN (0, 1) AND recorded_at >= ? ORDER BY id`, since)
	if err != nil {
		return translate(err, "read recent views")
	}
	defer rows.Close()
	for rows.Next() {
		r, err := scanView(rows)
		if err != nil {
			return err
		}
		l.judge.Observe(r)
	}
	return translate(rows.Err(), "read recent views")
}

const viewColumns = `id, article_id, author, counted, reason, recorded_at, COALESCE(reader_hash, ''),
	COALESCE(net_hash, ''), COALESCE(token_id, ''), COALESCE(agent, ''), prev_hash, hash`

func scanView(s scanner) (*views.Record, error) {
	var r views.Record
	var counted int
	var reason, at string
	if err := s.Scan(&r.ID, &r.ArticleID, &r.Author, &counted, &reason, &at, &r.ReaderHash, &r.NetHash,
		&r.TokenID, &r.Agent, &r.PrevHash, &r.Hash); err != nil {
		return nil, translate(err, "read view")
	}
	r.Counted, r.Reason = counted == 1, views.Reason(reason)
	var err error
	if r.RecordedAt, err = parseTime(at); err != nil {
		return &r, err // the row was read: an audit reports it as a break
	}
	return &r, nil
}

// ListViews returns up to limit records with id > afterID, in chain order.
func (db *DB) ListViews(ctx context.Context, afterID int64, limit int) ([]*views.Record, error) {
	if limit <= 0 || limit > 10000 {
		return nil, banx.Errorf(banx.EINVALID, "limit must be 1 to 10000, got %d", limit)
	}
	rows, err := db.read.QueryContext(ctx, `SELECT `+viewColumns+` FROM views WHERE id > ? ORDER BY id LIMIT ?`, afterID, limit)
	if err != nil {
		return nil, translate(err, "list views")
	}
	defer rows.Close()
	var out []*views.Record
	for rows.Next() {
		r, err := scanView(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, translate(rows.Err(), "list views")
}

// AuditViews re-walks the whole chain in id order and reports the first break.
// It needs no key: the chain is verifiable by anyone holding the database. A
// record whose stored time cannot be parsed is a break, not an error.
func (db *DB) AuditViews(ctx context.Context) (*views.Audit, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT `+viewColumns+` FROM views ORDER BY id`)
	if err != nil {
		return nil, translate(err, "audit views")
	}
	defer rows.Close()
	v := views.NewChainVerifier()
	for rows.Next() {
		r, err := scanView(rows)
		if err != nil && r != nil {
			return &views.Audit{Records: v.Records(), Head: v.Head(),
				Break: &views.ChainBreak{ID: r.ID, Detail: banx.ErrorMessage(err)}}, nil
		}
		if err != nil {
			return nil, err
		}
		if b := v.Check(r); b != nil {
			return &views.Audit{Records: v.Records(), Head: v.Head(), Break: b}, nil
		}
	}
	if err := rows.Err(); err != nil {
		return nil, translate(err, "audit views")
	}
	return &views.Audit{Records: v.Records(), Head: v.Head()}, nil
}

// ViewStats counts recorded decisions by UTC day and reason for the days from
// and to (inclusive, at most 366 days). EINVALID for a bad range.
func (l *ViewLedger) ViewStats(ctx context.Context, from, to time.Time) (*views.Stats, error) {
	from = from.UTC().Truncate(24 * time.Hour)
	to = to.UTC().Truncate(24 * time.Hour)
	if to.Before(from) {
		return nil, banx.Errorf(banx.EINVALID, "stats range ends (%s) before it starts (%s)", to.Format(time.DateOnly), from.Format(time.DateOnly))
	}
	if to.Sub(from) > 365*24*time.Hour {
		return nil, banx.Errorf(banx.EINVALID, "stats range is longer than 366 days")
	}
	st := &views.Stats{From: from.Format(time.DateOnly), To: to.Format(time.DateOnly), Totals: map[views.Reason]int64{},
		Days: []views.DayStats{}, Head: views.GenesisHash,
		Unrecorded: map[string]int64{"malformed_token": l.malformed.Load(), "unknown_article": l.unknown.Load(), "flood": l.shed.Load()}}
	for _, r := range views.Reasons() {
		st.Totals[r] = 0
	}
	rows, err := l.db.read.QueryContext(ctx, `SELECT substr(recorded_at, 1, 10) AS day, reason, COUNT(*) FROM views
		WHERE counted IN (0, 1) AND recorded_at >= ? AND recorded_at < ? GROUP BY day, reason ORDER BY day, reason`,
		from.Format(timeFormat), to.Add(24*time.Hour).Format(timeFormat))
	if err != nil {
		return nil, translate(err, "view stats")
	}
	defer rows.Close()
	for rows.Next() {
		var day, reason string
		var n int64
		if err := rows.Scan(&day, &reason, &n); err != nil {
			return nil, translate(err, "view stats")
		}
		if len(st.Days) == 0 || st.Days[len(st.Days)-1].Day != day {
			st.Days = append(st.Days, views.DayStats{Day: day, Reasons: map[views.Reason]int64{}})
		}
		d := &st.Days[len(st.Days)-1]
		d.Reasons[views.Reason(reason)] = n
		if reason == string(views.Counted) {
			d.Counted += n
		} else {
			d.Filtered += n
		}
		st.Totals[views.Reason(reason)] += n
	}
	if err := rows.Err(); err != nil {
		return nil, translate(err, "view stats")
	}
	err = l.db.read.QueryRowContext(ctx, `SELECT id, hash FROM views ORDER BY id DESC LIMIT 1`).Scan(&st.Records, &st.Head)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return nil, translate(err, "view chain head")
	}
	return st, nil
}
