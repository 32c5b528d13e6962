package embedded

import (
	"errors"
	"fmt"
	"syscall"

	"github.com/banxmedia/banx/internal/banx"
	sqlite3 "github.com/mattn/go-sqlite3"
)

// unavailable wraps a failure of the store's disk as banx.EUNAVAILABLE with a
// message that names the store, and says "disk full" when that is the cause:
// the caller sees the message, and "write block" alone would not tell an
// operator which component to look at, nor that freeing space is the cure.
// File paths belong in err (logged), not in the message (answered).
func unavailable(err error, format string, args ...any) error {
	msg := "embedded IPFS store: " + fmt.Sprintf(format, args...)
	if diskFull(err) {
		msg = "embedded IPFS store: disk full: " + fmt.Sprintf(format, args...)
	}
	return banx.Wrap(banx.EUNAVAILABLE, err, "%s", msg)
}

// diskFull reports whether err is the file system (ENOSPC) or SQLite
// (SQLITE_FULL) running out of space.
func diskFull(err error) bool {
	var se sqlite3.Error
	if errors.As(err, &se) && se.Code == sqlite3.ErrFull {
		return true
	}
	return errors.Is(err, syscall.ENOSPC)
}
