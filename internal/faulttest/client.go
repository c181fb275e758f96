package faulttest

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"strings"
	"testing"
	"time"
)

// Client speaks the API as one signed-in user. Unlike apptest's helpers it
// returns transport errors instead of failing the test: against a process
// that is being killed, a broken connection is an expected outcome.
type Client struct {
	URL   string
	Token string
	HTTP  *http.Client
}

// Answer is a response read whole.
type Answer struct {
	Status int
	Header http.Header
	Body   []byte
}

// JSON decodes the body into v.
func (a Answer) JSON(v any) error { return json.Unmarshal(a.Body, v) }

func (a Answer) String() string { return fmt.Sprintf("%d %s", a.Status, a.Body) }

// SignIn signs username in at url and returns its client.
func SignIn(t testing.TB, url, username, password string) *Client {
	t.Helper()
	c := &Client{URL: url, HTTP: &http.Client{Timeout: 60 * time.Second}}
	body, _ := json.Marshal(map[string]string{"username": username, "password": password})
	a, err := c.Do(context.Background(), http.MethodPost, "/api/v1/session", bytes.NewReader(body))
	if err != nil || a.Status != http.StatusOK {
		t.Fatalf("sign in %s: %v %v", username, a, err)
	}
	var out struct {
		Token string `json:"token"`
	}
	if err := a.JSON(&out); err != nil || out.Token == "" {
		t.Fatalf("sign in %s: no token in %s", username, a.Body)
	}
	c.Token = out.Token
	return c
}

// As returns a client of the same user on another server (a replica).
func (c *Client) As(url string) *Client { return &Client{URL: url, Token: c.Token, HTTP: c.HTTP} }

// Do sends a request; headers are name, value pairs. A body is JSON unless
// a Content-Type says otherwise.
func (c *Client) Do(ctx context.Context, method, path string, body io.Reader, headers ...string) (Answer, error) {
	req, err := http.NewRequestWithContext(ctx, method, c.URL+path, body)
	if err != nil {
		return Answer{}, err
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	if c.Token != "" {
		req.Header.Set("Authorization", "Bearer "+c.Token)
	}
	resp, err := c.HTTP.Do(req)
	if err != nil {
		return Answer{}, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return Answer{}, err
	}
	return Answer{Status: resp.StatusCode, Header: resp.Header, Body: b}, nil
}

// Get GETs path, requires 200 and decodes the answer into v.
func (c *Client) Get(t testing.TB, path string, v any) {
	t.Helper()
	a, err := c.Do(context.Background(), http.MethodGet, path, nil)
	if err != nil || a.Status != http.StatusOK {
		t.Fatalf("GET %s: %v %v", path, a, err)
	}
	if err := a.JSON(v); err != nil {
		t.Fatalf("GET %s: %v", path, err)
	}
}

// Upload posts a new document: the metadata, then the file.
func (c *Client) Upload(ctx context.Context, filename string, content []byte, metadata string) (Answer, error) {
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	_ = w.WriteField("metadata", metadata)
	part, _ := w.CreateFormFile("file", filename)
	_, _ = part.Write(content)
	_ = w.Close()
	return c.Do(ctx, http.MethodPost, "/api/v1/documents", &buf, "Content-Type", w.FormDataContentType())
}

// Fire fires event on document id at version (If-Match; 0 for none).
func (c *Client) Fire(ctx context.Context, id, event string, version int) (Answer, error) {
	var h []string
	if version > 0 {
		h = []string{"If-Match", fmt.Sprintf(`"%d"`, version)}
	}
	return c.Do(ctx, http.MethodPost, "/api/v1/documents/"+id+"/events", strings.NewReader(`{"event":"`+event+`"}`), h...)
}

// Document is the part of a document the fault tests check.
type Document struct {
	ID      string `json:"id"`
	Number  string `json:"number"`
	State   string `json:"state"`
	Version int    `json:"version"`
	File    struct {
		SHA256 string `json:"sha256"`
		Size   int64  `json:"size"`
	} `json:"file"`
}

// Documents lists every document, following the cursor.
func (c *Client) Documents(t testing.TB) []Document {
	t.Helper()
	var all []Document
	cursor := ""
	for {
		var page struct {
			Items      []Document `json:"items"`
			NextCursor string     `json:"next_cursor"`
		}
		c.Get(t, "/api/v1/documents?limit=200&cursor="+cursor, &page)
		all = append(all, page.Items...)
		if page.NextCursor == "" {
			return all
		}
		cursor = page.NextCursor
	}
}
