package main

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"os"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/banxmedia/banx/internal/banx"
	"github.com/banxmedia/banx/internal/manifest"
)

// mediaUsage lists `banx media`'s subcommands (banx media -h).
const mediaUsage = `usage: banx media <subcommand> [flags]

subcommands:
  add FILE    upload an image (PNG, JPEG, GIF or WebP) to the Banx server as the
              signed-in author; prints its CID and the media item to paste into
              your article's front matter

Run 'banx media add -h' for its flags.
`

// mediaOptions are the flags of `banx media add`.
type mediaOptions struct {
	server, seedFile, role, alt, source string
	ai                                  bool
	timeout                             time.Duration
}

// runMedia implements `banx media add FILE`: how an author who publishes from
// the command line puts a cover or inline image into the server's content
// store, which a manifest may only name once it is there.
func runMedia(ctx context.Context, args []string, e env) error {
	if len(args) == 0 {
		return usageError("media needs a subcommand: add FILE")
	}
	sub, args := args[0], args[1:]
	if isHelp(sub) {
		fmt.Fprint(e.stdout, mediaUsage)
		return nil
	}
	if sub != "add" {
		return usageError(fmt.Sprintf("unknown media subcommand %q: want add", sub))
	}
	var o mediaOptions
	fs := newFlagSet("media add", e)
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), `usage: banx media add [flags] FILE

Uploads FILE (a PNG, JPEG, GIF or WebP image of at most %d bytes) to
the Banx server's content store, signed in with your key like banx publish,
and prints its CID and the media item to paste under media: in your
article's front matter. A manifest may name only images the server holds:
upload each cover or inline image first. Flags go before or after FILE.

`+authorEnvHelp+`
flags:
`, manifest.MaxImageBytes)
		fs.PrintDefaults()
	}
	fs.StringVar(&o.server, "server", orDefault(e.getenv("BANX_SERVER"), defaultServer), "Banx server URL [$BANX_SERVER]")
	fs.StringVar(&o.seedFile, "seed-file", e.getenv("BANX_SEED_FILE"), "author seed file, mode 0600 [$BANX_SEED_FILE]; or the seed in $BANX_SEED")
	fs.StringVar(&o.role, "role", manifest.RoleCover, "the image's role in the printed media item: cover or inline")
	fs.StringVar(&o.alt, "alt", "", "alt text for the printed media item: what the picture shows, one line")
	fs.StringVar(&o.source, "source", "", "where the picture came from, an IPTC digital source type term (default digitalCapture, or trainedAlgorithmicMedia with --ai; also digitalArt, screenCapture, ...)")
	fs.BoolVar(&o.ai, "ai", false, "the picture was made with generative AI (digital source type trainedAlgorithmicMedia)")
	fs.DurationVar(&o.timeout, "timeout", time.Minute, "give up on the server after this long")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return usageError("media add takes exactly one FILE (a PNG, JPEG, GIF or WebP image)")
	}
	if err := o.check(); err != nil {
		return err
	}
	path := fs.Arg(0)
	img, err := readImage(path)
	if err != nil {
		return err
	}
	// The printed item must be one a manifest accepts: checked with the
	// manifest's own rules before anything is uploaded.
	// An empty --alt is allowed here (the printed item then asks for one);
	// the manifest's rules refuse it when the article is published.
	item := manifest.Media{CID: placeholderCID, Role: o.role, MIMEType: img.mime, Size: int64(len(img.data)),
		Alt: o.alt, DigitalSourceType: o.source}
	check := item
	if check.Alt == "" {
		check.Alt = "-"
	}
	if err := checkMediaItem(check); err != nil {
		return err
	}
	w, err := authorWallet(o.seedFile, e.getenv)
	if err != nil {
		return err
	}
	c, err := newAPIClient(o.server)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(ctx, o.timeout)
	defer cancel()
	if _, err := c.signIn(ctx, w); err != nil {
		return err
	}
	up, err := c.uploadMedia(ctx, img)
	if err != nil {
		return err
	}
	item.CID, check.CID = up.CID, up.CID
	if err := checkMediaItem(check); err != nil {
		return banx.Errorf(banx.EUNAVAILABLE, "the server answered CID %q, which a manifest cannot name: %s", up.CID, banx.ErrorMessage(err))
	}
	fmt.Fprintf(e.stdout, "cid        %s\nmime_type  %s\nsize       %d\nsha256     %s\n\n", up.CID, up.MimeType, up.Size, up.SHA256)
	fmt.Fprintf(e.stdout, "Add this image to your article's front matter (one item per image under media:):\n\n%s", mediaSnippet(item))
	if manifest.DigitalSourceTypes()[item.DigitalSourceType] {
		fmt.Fprint(e.stdout, "\nThe image was made with AI: the front matter also needs a one-line ai_disclosure, e.g.\n"+
			"ai_disclosure: Visuals were produced with AI tools and are not real photographs.\n")
	}
	return nil
}

// placeholderCID stands for the image's CID while the printed item is checked
// before the upload: a well-formed CIDv1 (raw, sha2-256) of no particular bytes.
const placeholderCID = "bafkreigh2akiscaildcqabsyg3dfr6chu3fgpregiymsck7e7aqa4s52zy"

// check validates the flags that do not depend on the file.
func (o *mediaOptions) check() error {
	switch {
	case o.role != manifest.RoleCover && o.role != manifest.RoleInline:
		return usageError(fmt.Sprintf("--role must be cover or inline, got %q", o.role))
	case o.timeout <= 0:
		return usageError(fmt.Sprintf("--timeout must be positive, got %s", o.timeout))
	}
	switch {
	case o.ai && o.source == "":
		o.source = "trainedAlgorithmicMedia"
	case o.ai && !manifest.DigitalSourceTypes()[o.source]:
		return usageError(fmt.Sprintf("--ai says the picture was made with AI, but --source %q is not an AI term: give one of them", o.source))
	case o.source == "":
		o.source = "digitalCapture"
	}
	return nil
}

// localImage is an image file read and checked on this machine.
type localImage struct {
	path, mime string
	data       []byte
	sha256     string
}

// readImage reads path and checks what the server would check first: a
// regular file, not empty, at most manifest.MaxImageBytes, and by its magic
// bytes (never its name) a PNG, JPEG, GIF or WebP image.
func readImage(path string) (*localImage, error) {
	f, err := os.Open(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, banx.Errorf(banx.EINVALID, "%s does not exist", path)
	}
	if err != nil {
		return nil, banx.Wrap(banx.EINVALID, err, "open %s", path)
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, banx.Wrap(banx.EINVALID, err, "stat %s", path)
	}
	switch {
	case st.IsDir():
		return nil, banx.Errorf(banx.EINVALID, "%s is a directory, not an image file", path)
	case !st.Mode().IsRegular():
		return nil, banx.Errorf(banx.EINVALID, "%s is not a regular file but %s: give an image file", path, fileKind(st.Mode()))
	case st.Size() == 0:
		return nil, banx.Errorf(banx.EINVALID, "%s is empty: want a PNG, JPEG, GIF or WebP image", path)
	case st.Size() > manifest.MaxImageBytes:
		return nil, banx.Errorf(banx.ETOOLARGE, "%s is %d bytes: the server accepts images of at most %d bytes", path, st.Size(), manifest.MaxImageBytes)
	}
	data, err := io.ReadAll(io.LimitReader(f, manifest.MaxImageBytes+1))
	if err != nil {
		return nil, banx.Wrap(banx.EINVALID, err, "read %s", path)
	}
	if len(data) > manifest.MaxImageBytes {
		return nil, banx.Errorf(banx.ETOOLARGE, "%s grew past %d bytes while it was read: the server accepts images of at most %d bytes", path, manifest.MaxImageBytes, manifest.MaxImageBytes)
	}
	mime, err := manifest.SniffImage(data)
	if err != nil {
		return nil, banx.Errorf(banx.EUNSUPPORTED, "%s is not a PNG, JPEG, GIF or WebP image (its content looks like %s): only those can be a cover or inline image",
			path, describeFile(data))
	}
	sum := sha256.Sum256(data)
	return &localImage{path: path, mime: mime, data: data, sha256: hex.EncodeToString(sum[:])}, nil
}

// fileKind names a file type that is not a regular file, for a reason.
func fileKind(m fs.FileMode) string {
	switch {
	case m&fs.ModeCharDevice != 0:
		return "a character device"
	case m&fs.ModeDevice != 0:
		return "a device"
	case m&fs.ModeNamedPipe != 0:
		return "a named pipe"
	case m&fs.ModeSocket != 0:
		return "a socket"
	}
	return "a special file"
}

// describeFile names what a refused file's bytes look like.
func describeFile(data []byte) string {
	ct, _, _ := strings.Cut(http.DetectContentType(data), ";")
	if strings.HasPrefix(ct, "text/") && bytes.Contains(bytes.ToLower(data[:min(len(data), 1024)]), []byte("<svg")) {
		return "SVG"
	}
	return ct
}

// checkMediaItem validates md by the manifest's rules, inside the smallest
// valid manifest, and names the flag behind a refused member.
func checkMediaItem(md manifest.Media) error {
	doc := map[string]any{"schema": "banx.manifest/1", "title": "t", "summary": "s", "body": "b", "category": "opinion",
		"language": "en", "author": "rHb9CJAWyB4rj91VRWn96DkukG4bwdtyTh", "created": "2026-01-01T00:00:00Z",
		"media": []manifest.Media{md}}
	if manifest.DigitalSourceTypes()[md.DigitalSourceType] {
		doc["ai_disclosure"] = "AI."
	}
	raw, err := json.Marshal(doc)
	if err != nil {
		return banx.Wrap(banx.EINTERNAL, err, "encode media item")
	}
	_, err = manifest.Parse(raw)
	if err == nil {
		return nil
	}
	msg := banx.ErrorMessage(err)
	for member, flag := range map[string]string{"alt": "--alt", "digital_source_type": "--source", "role": "--role"} {
		if rest, ok := strings.CutPrefix(msg, "media[0]."+member+": "); ok {
			return banx.Errorf(banx.ErrorCode(err), "%s: %s", flag, rest)
		}
	}
	return banx.Errorf(banx.ErrorCode(err), "the image cannot be a manifest media item: %s", msg)
}

// mediaSnippet is md as a YAML front matter media list, quoted safely.
func mediaSnippet(md manifest.Media) string {
	alt := yamlScalar(md.Alt)
	if md.Alt == "" {
		alt = `""   # required: describe the picture for readers who cannot see it`
	}
	return fmt.Sprintf("media:\n  - cid: %s\n    role: %s\n    mime_type: %s\n    size: %d\n    alt: %s\n    digital_source_type: %s\n",
		md.CID, md.Role, md.MIMEType, md.Size, alt, md.DigitalSourceType)
}

// yamlScalar is s as one YAML scalar, quoted when plain text would be read
// as something else.
func yamlScalar(s string) string {
	out, err := yaml.Marshal(s)
	if err != nil {
		return fmt.Sprintf("%q", s)
	}
	return strings.TrimSuffix(string(out), "\n")
}

// mediaAnswer is the server's answer to POST /api/v1/media.
type mediaAnswer struct {
	CID      string `json:"cid"`
	MimeType string `json:"mime_type"`
	Size     int    `json:"size"`
	SHA256   string `json:"sha256"`
}

// uploadMedia sends img to POST /api/v1/media as the signed-in author and
// checks that the server describes these very bytes.
func (c *apiClient) uploadMedia(ctx context.Context, img *localImage) (*mediaAnswer, error) {
	const path = "/api/v1/media"
	req, err := http.NewRequestWithContext(ctx, "POST", c.base.String()+path, bytes.NewReader(img.data))
	if err != nil {
		return nil, banx.Wrap(banx.EINVALID, err, "build request POST %s", path)
	}
	req.Header.Set("Content-Type", img.mime)
	req.Header.Set("Authorization", "Bearer "+c.token)
	resp, err := c.http.Do(req)
	if err != nil {
		return nil, banx.Wrap(banx.EUNAVAILABLE, err, "Banx server %s unreachable", c.base)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return nil, banx.Wrap(banx.EUNAVAILABLE, err, "read answer to POST %s", path)
	}
	if resp.StatusCode/100 != 2 {
		var e struct {
			Error struct{ Code, Message string } `json:"error"`
		}
		if json.Unmarshal(data, &e) != nil || e.Error.Code == "" {
			return nil, banx.Errorf(banx.EUNAVAILABLE, "POST %s: HTTP %d", path, resp.StatusCode)
		}
		return nil, banx.Errorf(e.Error.Code, "upload %s: %s", img.path, e.Error.Message)
	}
	var a mediaAnswer
	if err := json.Unmarshal(data, &a); err != nil {
		return nil, banx.Wrap(banx.EUNAVAILABLE, err, "malformed answer to POST %s", path)
	}
	if a.SHA256 != img.sha256 || a.Size != len(img.data) || a.MimeType != img.mime {
		return nil, banx.Errorf(banx.EUNAVAILABLE, "the server stored %d bytes of %s with sha256 %s, not %s's %d bytes of %s with sha256 %s",
			a.Size, a.MimeType, a.SHA256, img.path, len(img.data), img.mime, img.sha256)
	}
	return &a, nil
}
