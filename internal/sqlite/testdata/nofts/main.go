// Command nofts opens a Banx database and prints what Open answered. The
// test TestOpenWithoutFTS5 builds it without the sqlite_fts5 tag, so its
// SQLite lacks FTS5, and checks that Open says how to fix the build.
package main

import (
	"context"
	"fmt"
	"os"

	"github.com/banxmedia/banx/internal/sqlite"
)

func main() {
	db, err := sqlite.Open(context.Background(), os.Args[1])
	if err != nil {
		fmt.Println("open:", err)
		return
	}
	db.Close()
	fmt.Println("open: ok")
}
