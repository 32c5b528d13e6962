package main

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/banxmedia/banx/internal/banx"
)

// loadOperatorToken returns the SHA-256 of the operator's bearer token, read from
// path. When the file does not exist a fresh random token is written there (0600)
// so a new install is never left open; the token itself is never printed or logged.
// A token file that group or others can read is refused.
func loadOperatorToken(path string) (sum [sha256.Size]byte, created bool, err error) {
	info, err := os.Stat(path)
	if errors.Is(err, fs.ErrNotExist) {
		if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
			return sum, false, banx.Wrap(banx.EUNAVAILABLE, err, "create directory for operator token %s", path)
		}
		var b [32]byte
		rand.Read(b[:])
		token := hex.EncodeToString(b[:])
		f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
		if err != nil {
			return sum, false, banx.Wrap(banx.EUNAVAILABLE, err, "create operator token file %s", path)
		}
		_, werr := f.WriteString(token + "\n")
		if cerr := f.Close(); werr == nil {
			werr = cerr
		}
		if werr != nil {
			os.Remove(path)
			return sum, false, banx.Wrap(banx.EUNAVAILABLE, werr, "write operator token file %s", path)
		}
		return sha256.Sum256([]byte(token)), true, nil
	}
	if err != nil {
		return sum, false, banx.Wrap(banx.EUNAVAILABLE, err, "read operator token file %s", path)
	}
	if info.Mode().Perm()&0o077 != 0 {
		return sum, false, banx.Errorf(banx.EINVALID, "operator token file %s has mode %04o: it must not be readable by group or others (chmod 600)", path, info.Mode().Perm())
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return sum, false, banx.Wrap(banx.EUNAVAILABLE, err, "read operator token file %s", path)
	}
	token := strings.TrimSpace(string(data))
	if len(token) < 16 {
		return sum, false, banx.Errorf(banx.EINVALID, "operator token in %s is too short: use at least 16 characters", path)
	}
	return sha256.Sum256([]byte(token)), false, nil
}
