package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"mime/multipart"
	"net/http"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"dossier/internal/pdf/pdftest"
	"dossier/internal/testenv"
)

// program runs the command as a user would, with its own environment.
type program struct {
	env map[string]string
}

func (p program) getenv(k string) string { return p.env[k] }

func (p program) run(t *testing.T, stdin string, args ...string) (int, string, string) {
	t.Helper()
	var out, errs testenv.Buffer
	code := run(context.Background(), args, p.getenv, strings.NewReader(stdin), &out, &errs)
	return code, out.String(), errs.String()
}

var listening = regexp.MustCompile(`"addr":"(127\.0\.0\.1:\d+)"`)

// serve starts `dossier serve` on a free port and returns its base URL and a stop function.
func (p program) serve(t *testing.T) (string, func()) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	var errs testenv.Buffer
	done := make(chan int, 1)
	go func() { done <- run(ctx, []string{"serve"}, p.getenv, strings.NewReader(""), io.Discard, &errs) }()
	deadline := time.Now().Add(30 * time.Second)
	for {
		if m := listening.FindStringSubmatch(errs.String()); m != nil {
			return "http://" + m[1], func() {
				cancel()
				if code := <-done; code != 0 {
					t.Errorf("serve exited with %d: %s", code, errs.String())
				}
			}
		}
		select {
		case code := <-done:
			t.Fatalf("serve exited with %d: %s", code, errs.String())
		case <-time.After(20 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			t.Fatalf("serve did not start: %s", errs.String())
		}
	}
}

func TestUsage(t *testing.T) {
	p := program{env: map[string]string{"DOSSIER_DATA_DIR": t.TempDir()}}
	for _, tc := range []struct {
		args []string
		code int
	}{
		{nil, 2},
		{[]string{"frobnicate"}, 2},
		{[]string{"user", "frobnicate"}, 2},
		{[]string{"serve", "now"}, 2},
		{[]string{"--help"}, 0},
		{[]string{"serve", "--help"}, 0},
		{[]string{"user", "add", "--help"}, 0},
		{[]string{"workflows", "--help"}, 0},
		{[]string{"workflows", "graph", "letter_of_credit", "--format", "mermaid"}, 0},
		{[]string{"user", "add", "--level", "two"}, 2},
		{[]string{"user", "add", "--username", "x"}, 2},
		{[]string{"user", "add", "--bogus"}, 2},
		{[]string{"user", "add", "--username", "bob", "--password", "short", "--roles", "admin"}, 1},
		{[]string{"user", "add", "--username", "bob", "--password", "long-enough", "--roles", "wizard"}, 1},
	} {
		if code, _, errs := p.run(t, "", tc.args...); code != tc.code {
			t.Errorf("dossier %v: exit %d, want %d (%s)", tc.args, code, tc.code, errs)
		}
	}
}

// TestNewUserFlow is SPEC's "done means", as a new user would do it: add a
// user with the CLI, serve, sign in, upload a real PDF, download it whole and
// as a range, page through the list, edit the title, restart, find it all.
func TestNewUserFlow(t *testing.T) {
	backends := map[string]func(t *testing.T) map[string]string{
		"embedded": func(t *testing.T) map[string]string { return map[string]string{} },
		"servers": func(t *testing.T) map[string]string {
			return map[string]string{"DOSSIER_DATABASE_URL": testenv.PostgreSQL.URL(t), "DOSSIER_BLOB_URL": testenv.S3URL(t)}
		},
	}
	for name, extra := range backends {
		t.Run(name, func(t *testing.T) {
			env := extra(t)
			env["DOSSIER_DATA_DIR"] = filepath.Join(t.TempDir(), "data")
			env["DOSSIER_LISTEN"] = "127.0.0.1:0"
			p := program{env: env}
			if code, out, errs := p.run(t, "s3cret-password\n", "user", "add", "--username", "alice",
				"--password-stdin", "--roles", "admin,approver", "--level", "2", "--display-name", "Alice A"); code != 0 ||
				!strings.Contains(out, "approval level 2") {
				t.Fatalf("user add: %d %s %s", code, out, errs)
			}
			if _, out, _ := p.run(t, "", "user", "list"); !strings.Contains(out, "alice") {
				t.Fatalf("user list does not show alice: %s", out)
			}
			base, stop := p.serve(t)
			c := client{t: t, base: base}
			c.signIn("alice", "s3cret-password")
			pdf := pdftest.Make(t, 2, "Framework agreement with ACME")
			var ids []string
			for i := range 3 {
				doc := c.upload(pdf, `{"kind":"purchase_order","subtype":"serial","title":"PO `+string(rune('A'+i))+`","amount":"1000.00","currency":"EUR"}`)
				ids = append(ids, doc["id"].(string))
			}
			if got := c.get("/api/v1/documents/"+ids[0]+"/content", nil); !bytes.Equal(got, pdf) {
				t.Fatalf("downloaded %d bytes, not the %d uploaded", len(got), len(pdf))
			}
			if got := c.get("/api/v1/documents/"+ids[0]+"/content", map[string]string{"Range": "bytes=5-24"}); !bytes.Equal(got, pdf[5:25]) {
				t.Fatalf("range gave %q, want %q", got, pdf[5:25])
			}
			var seen []string
			for cursor := ""; ; {
				var page struct {
					Items      []map[string]any `json:"items"`
					NextCursor string           `json:"next_cursor"`
				}
				json.Unmarshal(c.get("/api/v1/documents?limit=2&cursor="+cursor, nil), &page)
				for _, it := range page.Items {
					seen = append(seen, it["id"].(string))
				}
				if cursor = page.NextCursor; cursor == "" {
					break
				}
			}
			if len(seen) != 3 {
				t.Fatalf("paging saw %v, want the 3 documents", seen)
			}
			c.patchTitle(ids[1], "1", "PO B, amended")
			stop()

			base, stop = p.serve(t)
			defer stop()
			c = client{t: t, base: base}
			c.signIn("alice", "s3cret-password")
			var doc map[string]any
			json.Unmarshal(c.get("/api/v1/documents/"+ids[1], nil), &doc)
			if doc["title"] != "PO B, amended" || doc["version"] != float64(2) {
				t.Fatalf("after restart: title %v version %v", doc["title"], doc["version"])
			}
			if got := c.get("/api/v1/documents/"+ids[2]+"/content", nil); !bytes.Equal(got, pdf) {
				t.Fatal("after restart the content differs")
			}
			if code, out, errs := p.run(t, "", "audit", "verify"); code != 0 || !strings.Contains(out, `"ok":true`) {
				t.Fatalf("audit verify: %d %s %s", code, out, errs)
			}
		})
	}
}

type client struct {
	t     *testing.T
	base  string
	token string
}

func (c *client) do(req *http.Request, want int) []byte {
	c.t.Helper()
	if c.token != "" {
		req.Header.Set("Authorization", "Bearer "+c.token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		c.t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != want {
		c.t.Fatalf("%s %s: %s %s", req.Method, req.URL.Path, resp.Status, body)
	}
	return body
}

func (c *client) signIn(user, pass string) {
	req, _ := http.NewRequest(http.MethodPost, c.base+"/api/v1/session", strings.NewReader(`{"username":"`+user+`","password":"`+pass+`"}`))
	req.Header.Set("Content-Type", "application/json")
	var out struct{ Token string }
	json.Unmarshal(c.do(req, http.StatusOK), &out)
	c.token = out.Token
}

func (c *client) upload(content []byte, meta string) map[string]any {
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	mw.WriteField("metadata", meta)
	w, _ := mw.CreateFormFile("file", "scan.pdf")
	w.Write(content)
	mw.Close()
	req, _ := http.NewRequest(http.MethodPost, c.base+"/api/v1/documents", &body)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	var doc map[string]any
	json.Unmarshal(c.do(req, http.StatusCreated), &doc)
	return doc
}

func (c *client) get(path string, headers map[string]string) []byte {
	req, _ := http.NewRequest(http.MethodGet, c.base+path, nil)
	want := http.StatusOK
	for k, v := range headers {
		req.Header.Set(k, v)
		if k == "Range" {
			want = http.StatusPartialContent
		}
	}
	return c.do(req, want)
}

func (c *client) patchTitle(id, version, title string) {
	req, _ := http.NewRequest(http.MethodPatch, c.base+"/api/v1/documents/"+id, strings.NewReader(`{"title":"`+title+`"}`))
	req.Header.Set("Content-Type", "application/merge-patch+json")
	req.Header.Set("If-Match", `"`+version+`"`)
	c.do(req, http.StatusOK)
}
