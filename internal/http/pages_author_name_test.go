package http_test

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/banxmedia/banx/internal/publish/publishtest"
)

// namedManifest is pubManifest with the manifest's optional author_name.
func namedManifest(t *testing.T, author, title, name string) []byte {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(pubManifest(author, title, ""), &m); err != nil {
		t.Fatal(err)
	}
	m["author_name"] = name
	b, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestArticlePageAuthorName publishes articles whose manifests name their
// author and checks the byline (name, avatar initial from the name, address
// linked to the author page), the home card and the author page heading; a
// name that is markup renders as text; without a name the byline stays the
// address alone. The Publish page offers the field and prefills it on edit.
func TestArticlePageAuthorName(t *testing.T) {
	a := startAuthorTools(t)
	w := publishtest.NewWallet(t)
	publishtest.Fund(t, publishtest.Context(t), a.client, w, 20_000_000)
	token := a.signIn(t, w)
	me := w.ClassicAddress.String()
	short := me[:6] + "…" + me[len(me)-4:]
	const xss = `<img src=x onerror=alert(1)>`

	plain, _ := a.publishSelf(t, w, token, pubManifest(me, "Unnamed", ""))
	named, _ := a.publishSelf(t, w, token, namedManifest(t, me, "Named", "zoë Reporter"))
	evil, _ := a.publishSelf(t, w, token, namedManifest(t, me, "Evil", xss))
	for _, id := range []int64{plain, named, evil} {
		a.waitPublished(t, id, 1)
	}

	tests := []struct {
		name, path string
		want, not  []string
	}{
		{"OKNamed", fmt.Sprintf("/a/%d", named), []string{
			`<span class="avatar" aria-hidden="true">Z</span>`,
			`<span class="author-name" data-testid="author-name"><span class="visually-hidden">Author </span>zoë Reporter</span>`,
			fmt.Sprintf(`<a class="mono" href="/author/%s" title="%s"><span class="visually-hidden">Address </span>%s</a>`, me, me, short),
		}, nil},
		{"OKUnnamed", fmt.Sprintf("/a/%d", plain), []string{
			fmt.Sprintf(`<span class="avatar" aria-hidden="true">%s</span>`, strings.ToUpper(me[1:2])),
			fmt.Sprintf(`<span class="visually-hidden">Author </span>%s</a>`, short),
		}, []string{`data-testid="author-name"`}},
		{"OKXSSInert", fmt.Sprintf("/a/%d", evil), []string{
			`<span class="avatar" aria-hidden="true">&lt;</span>`,
			`&lt;img src=x onerror=alert(1)&gt;`,
		}, []string{xss}},
		{"OKHomeCards", "/", []string{
			`<span class="author-name" data-testid="card-author-name">zoë Reporter</span>`,
			`<span class="author-name" data-testid="card-author-name">&lt;img src=x onerror=alert(1)&gt;</span>`,
		}, []string{xss}},
		{"OKAuthorHeading", "/author/" + me, []string{
			`<h1>Articles by &lt;img src=x onerror=alert(1)&gt;</h1>`,
		}, []string{xss}},
		{"OKPublishInput", "/publish", []string{
			`<input id="author_name" name="author_name" maxlength="64" autocomplete="name" data-testid="author-name-input">`,
		}, nil},
		{"OKEditPrefilled", fmt.Sprintf("/publish?edit=%d", named), []string{
			`data-testid="author-name-input" value="zoë Reporter">`,
		}, nil},
		{"OKEditPrefilledInert", fmt.Sprintf("/publish?edit=%d", evil), []string{
			`data-testid="author-name-input" value="&lt;img src=x onerror=alert(1)&gt;">`,
		}, []string{xss}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			code, _, body := get(t, a.url+tc.path)
			if code != 200 {
				t.Fatalf("GET %s = %d:\n%s", tc.path, code, body)
			}
			for _, w := range tc.want {
				if !strings.Contains(body, w) {
					t.Errorf("GET %s lacks %s", tc.path, w)
				}
			}
			for _, n := range tc.not {
				if strings.Contains(body, n) {
					t.Errorf("GET %s contains %s", tc.path, n)
				}
			}
		})
	}
}
