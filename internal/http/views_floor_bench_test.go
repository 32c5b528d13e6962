package http_test

import (
	"database/sql"
	"io"
	"net/http"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/gin-gonic/gin"
	_ "github.com/mattn/go-sqlite3"
)

// floorLedger is the least a durable beacon can cost with SQLite on this
// machine: one small row per beacon, group-committed by one writer with the
// WAL fsynced before each batch is answered, as banx's view ledger commits.
// No token, hash chain, decision, index or constraint: a floor to measure
// banx against, not a ledger.
type floorLedger struct {
	db     *sql.DB
	insert *sql.Stmt
	reqs   chan *floorReq
}

type floorReq struct {
	body []byte
	id   int64
	done chan error
}

func openFloorLedger(b *testing.B) *floorLedger {
	db, err := sql.Open("sqlite3", "file:"+filepath.Join(b.TempDir(), "floor.db")+"?_journal_mode=WAL&_synchronous=FULL&_txlock=immediate")
	if err != nil {
		b.Fatal(err)
	}
	db.SetMaxOpenConns(1)
	if _, err := db.Exec(`CREATE TABLE beacons (id INTEGER PRIMARY KEY, body TEXT NOT NULL)`); err != nil {
		b.Fatal(err)
	}
	insert, err := db.Prepare(`INSERT INTO beacons (id, body) VALUES (?, ?)`)
	if err != nil {
		b.Fatal(err)
	}
	f := &floorLedger{db: db, insert: insert, reqs: make(chan *floorReq, 8192)}
	go f.write()
	b.Cleanup(func() { close(f.reqs); db.Close() })
	return f
}

func (f *floorLedger) write() {
	var id int64
	batch := make([]*floorReq, 0, 1024)
	for r := range f.reqs {
		batch = append(batch[:0], r)
	fill:
		for len(batch) < cap(batch) {
			select {
			case r, ok := <-f.reqs:
				if !ok {
					break fill
				}
				batch = append(batch, r)
			default:
				break fill
			}
		}
		// Lingers as banx's writer does, so the floor's commits are
		// shared as widely.
		for waited := time.Duration(0); waited < 5*time.Millisecond; waited += 250 * time.Microsecond {
			time.Sleep(250 * time.Microsecond)
			n := len(batch)
			for more := true; more && len(batch) < cap(batch); {
				select {
				case r, ok := <-f.reqs:
					if !ok {
						more = false
						break
					}
					batch = append(batch, r)
				default:
					more = false
				}
			}
			if len(batch) == n {
				break
			}
		}
		tx, err := f.db.Begin()
		if err == nil {
			st := tx.Stmt(f.insert)
			for _, r := range batch {
				id++
				r.id = id
				if _, err = st.Exec(id, r.body); err != nil {
					break
				}
			}
			if err == nil {
				err = tx.Commit()
			} else {
				tx.Rollback()
			}
		}
		for _, r := range batch {
			r.done <- err
		}
	}
}

// benchFloor serves the floor ledger over HTTP with wrk, as BenchmarkViewBeacon
// serves the durable beacon, and reports its rate against the no-op's.
func benchFloor(b *testing.B, wrk, script, tokens string) {
	f := openFloorLedger(b)
	gin.SetMode(gin.ReleaseMode)
	e := gin.New()
	e.POST("/floor", func(c *gin.Context) {
		body, err := io.ReadAll(io.LimitReader(c.Request.Body, 1025))
		if err != nil {
			c.Status(http.StatusBadRequest)
			return
		}
		r := &floorReq{body: body, done: make(chan error, 1)}
		f.reqs <- r
		if err := <-r.done; err != nil {
			c.Status(http.StatusServiceUnavailable)
			return
		}
		c.Data(http.StatusCreated, "application/json", strconv.AppendInt([]byte(`{"id":`), r.id, 10))
	})
	rate, _ := runWrk(b, wrk, script, serveGin(b, e)+"/floor", tokens, benchDuration(), 201)
	if noopRate > 0 {
		b.ReportMetric(rate/noopRate, "ratio_to_noop")
	}
}
