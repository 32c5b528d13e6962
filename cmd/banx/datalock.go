package main

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"

	"github.com/banxmedia/banx/internal/banx"
)

// dataLockName is the file in the data directory that one banx process at a
// time holds locked: two servers on the same files would run two embedded
// ledgers and two anchorers on one database and corrupt both.
const dataLockName = "lock"

// lockDataDir takes the exclusive lock on dir (creating it if needed) and
// writes this process's id into the lock file; release drops the lock. A
// directory another process holds is ECONFLICT naming that process's id.
// The lock is an flock: the kernel drops it when the process ends, however it
// ends, so a crash leaves nothing to clean up.
func lockDataDir(dir string) (release func(), err error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, banx.Wrap(banx.EUNAVAILABLE, err, "create data directory %s", dir)
	}
	path := filepath.Join(dir, dataLockName)
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, banx.Wrap(banx.EUNAVAILABLE, err, "open lock file %s", path)
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		raw, _ := os.ReadFile(path)
		f.Close()
		if errors.Is(err, syscall.EWOULDBLOCK) {
			who := "another banx"
			if pid, perr := strconv.Atoi(strings.TrimSpace(string(raw))); perr == nil && pid > 0 {
				who = fmt.Sprintf("another banx (pid %d)", pid)
			}
			return nil, banx.Errorf(banx.ECONFLICT, "data directory %s is in use by %s: stop it first, or use another --data", dir, who)
		}
		return nil, banx.Wrap(banx.EUNAVAILABLE, err, "lock data directory %s", dir)
	}
	err = f.Truncate(0)
	if err == nil {
		_, err = f.WriteAt([]byte(strconv.Itoa(os.Getpid())+"\n"), 0)
	}
	if err != nil {
		f.Close()
		return nil, banx.Wrap(banx.EUNAVAILABLE, err, "write lock file %s", path)
	}
	return func() {
		syscall.Flock(int(f.Fd()), syscall.LOCK_UN)
		f.Close()
	}, nil
}
