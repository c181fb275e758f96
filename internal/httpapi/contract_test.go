package httpapi_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/textproto"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/gorillamux"

	"dossier/internal/apptest"
	"dossier/internal/httpapi"
)

// contract checks requests and responses against the served OpenAPI
// document, so that the document cannot drift from what the handlers do: a
// response member, status or type the document does not describe fails the
// test that caused it.
type contract struct {
	doc     *openapi3.T
	router  routers.Router
	options *openapi3filter.Options
	checked atomic.Int64 // exchanges validated, to prove the check is wired in
}

// newContract loads and validates the document. Each server gets its own
// copy: the parsed document caches compiled schemas and is cheap to load.
func newContract(t *testing.T) *contract {
	t.Helper()
	loader := openapi3.NewLoader()
	doc, err := loader.LoadFromData(httpapi.OpenAPISpec)
	if err != nil {
		t.Fatalf("load openapi.json: %v", err)
	}
	if err := doc.Validate(loader.Context); err != nil {
		t.Fatalf("openapi.json is not a valid OpenAPI document: %v", err)
	}
	router, err := gorillamux.NewRouter(doc)
	if err != nil {
		t.Fatalf("route openapi.json: %v", err)
	}
	options := &openapi3filter.Options{
		AuthenticationFunc:    acceptBearer,
		IncludeResponseStatus: true, // a status the document does not list fails
		MultiError:            true, // report every difference at once
		SkipSettingDefaults:   true,
	}
	options.WithCustomSchemaErrorFunc(schemaMismatch)
	return &contract{doc: doc, router: router, options: options}
}

// schemaMismatch says where a body differs from its schema and how, without
// the whole schema that kin-openapi prints by default.
func schemaMismatch(err *openapi3.SchemaError) string {
	reason := err.Reason
	if err.Origin != nil {
		reason = err.Origin.Error()
	}
	return fmt.Sprintf("at %q: %s", "/"+strings.Join(err.JSONPointer(), "/"), reason)
}

// acceptBearer stands in for the server's token check, which the tests
// exercise for real: the document only promises that a bearer token is sent.
func acceptBearer(_ context.Context, in *openapi3filter.AuthenticationInput) error {
	s := in.SecurityScheme
	if s == nil || s.Type != "http" || !strings.EqualFold(s.Scheme, "bearer") {
		return fmt.Errorf("security scheme %q is not HTTP bearer", in.SecuritySchemeName)
	}
	h := in.RequestValidationInput.Request.Header.Get("Authorization")
	scheme, token, ok := strings.Cut(h, " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") || strings.TrimSpace(token) == "" {
		return errors.New("no bearer token in the Authorization header")
	}
	return nil
}

// serve points s's client helpers at a second server of the same app whose
// handler is wrapped by the contract check; a mismatch fails t. The check is
// asserted to have seen traffic when the test ends, so a change that sends
// requests past it cannot silently switch it off.
func (c *contract) serve(t *testing.T, s *apptest.Server) {
	t.Helper()
	srv := httptest.NewServer(c.middleware(t, s.App.Handler()))
	s.URL = srv.URL
	t.Cleanup(func() {
		srv.Close()
		if !t.Failed() && c.checked.Load() == 0 {
			t.Error("no request went through the OpenAPI contract check")
		}
	})
}

// middleware runs next with the request, then checks both halves of the
// exchange and sends on the response unchanged.
func (c *contract) middleware(t *testing.T, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, err := io.ReadAll(r.Body)
		if err != nil {
			t.Errorf("contract: read the body of %s %s: %v", r.Method, r.URL.RequestURI(), err)
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		r.Body = io.NopCloser(bytes.NewReader(body))
		rec := httptest.NewRecorder()
		next.ServeHTTP(rec, r)

		if err := c.check(r, body, rec); err != nil {
			t.Errorf("OpenAPI contract: %s %s answered %d: %v", r.Method, r.URL.RequestURI(), rec.Code, err)
		}
		// The headers as they were when the status was written, as a real
		// server sends them.
		for k, v := range rec.Result().Header {
			w.Header()[k] = v
		}
		w.WriteHeader(rec.Code)
		_, _ = w.Write(rec.Body.Bytes())
	})
}

// check validates one exchange. A request the document refuses is fine when
// the server refused it too (the bad-input tests send such requests on
// purpose); a request the server accepted must be one the document allows.
// The response must always be one the document describes.
func (c *contract) check(r *http.Request, reqBody []byte, rec *httptest.ResponseRecorder) error {
	c.checked.Add(1)
	ctx := context.Background()
	req := r.Clone(ctx)
	route, params, err := c.router.FindRoute(req)
	if err != nil {
		return c.checkUnrouted(req, rec, err)
	}
	reqBody = labelParts(req.Header.Get("Content-Type"), reqBody, route.Operation)
	req.Body = io.NopCloser(bytes.NewReader(reqBody))
	req.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(reqBody)), nil }
	req.ContentLength = int64(len(reqBody))
	in := &openapi3filter.RequestValidationInput{Request: req, PathParams: params, Route: route, Options: c.options}
	if err := openapi3filter.ValidateRequest(ctx, in); err != nil && rec.Code < 400 {
		return fmt.Errorf("the server accepted a request the document refuses: %w", err)
	}
	out := &openapi3filter.ResponseValidationInput{
		RequestValidationInput: in, Status: rec.Code, Header: rec.Result().Header, Options: c.options,
	}
	out.SetBodyBytes(rec.Body.Bytes())
	if err := openapi3filter.ValidateResponse(ctx, out); err != nil {
		return fmt.Errorf("the response does not match the document: %w", err)
	}
	return nil
}

// checkUnrouted handles a request to no documented operation: only the
// landing page (HTML for people) and a problem+json 404 or 405 are allowed.
func (c *contract) checkUnrouted(req *http.Request, rec *httptest.ResponseRecorder, routeErr error) error {
	if req.Method == http.MethodGet && req.URL.Path == "/" {
		return nil
	}
	if rec.Code != http.StatusNotFound && rec.Code != http.StatusMethodNotAllowed {
		return fmt.Errorf("no operation of the document matches (%v), yet the server answered %d", routeErr, rec.Code)
	}
	return c.checkProblem(rec.Result().Header, rec.Body.Bytes())
}

// checkProblem validates an error body against the Problem schema.
func (c *contract) checkProblem(h http.Header, body []byte) error {
	if ct := h.Get("Content-Type"); !strings.HasPrefix(ct, "application/problem+json") {
		return fmt.Errorf("the Content-Type is %q, want application/problem+json", ct)
	}
	value, err := openapi3filter.JSONBodyDecoder(bytes.NewReader(body), h, nil, nil)
	if err != nil {
		return fmt.Errorf("problem body %q: %w", body, err)
	}
	if err := c.doc.Components.Schemas["Problem"].Value.VisitJSON(value, openapi3.VisitAsResponse()); err != nil {
		return fmt.Errorf("problem body does not match the Problem schema: %w", err)
	}
	return nil
}

// labelParts gives each part of a multipart body that carries no
// Content-Type the one the document's encoding names for it, as the server
// reads it: `curl -F metadata=...` sends the JSON metadata unlabelled, and the
// validator would otherwise take it for text/plain. Any other body, or one
// that does not parse, is returned as it is, for the validator to judge.
func labelParts(contentType string, body []byte, op *openapi3.Operation) []byte {
	mediaType, params, err := mime.ParseMediaType(contentType)
	if err != nil || mediaType != "multipart/form-data" || op.RequestBody == nil || op.RequestBody.Value == nil {
		return body
	}
	mt := op.RequestBody.Value.Content.Get(mediaType)
	if mt == nil || len(mt.Encoding) == 0 {
		return body
	}
	var out bytes.Buffer
	w := multipart.NewWriter(&out)
	if err := w.SetBoundary(params["boundary"]); err != nil {
		return body
	}
	r := multipart.NewReader(bytes.NewReader(body), params["boundary"])
	for {
		part, err := r.NextPart()
		if err == io.EOF {
			break
		}
		if err != nil {
			return body
		}
		h := textproto.MIMEHeader{}
		for k, v := range part.Header {
			h[k] = v
		}
		if enc := mt.Encoding[part.FormName()]; enc != nil && enc.ContentType != "" && h.Get("Content-Type") == "" {
			h.Set("Content-Type", enc.ContentType)
		}
		pw, err := w.CreatePart(h)
		if err == nil {
			_, err = io.Copy(pw, part)
		}
		if err != nil {
			return body
		}
	}
	if err := w.Close(); err != nil {
		return body
	}
	return out.Bytes()
}

// TestContractCatchesDrift proves the check can fail: an answer with a member,
// status or type the document does not describe is refused, and the same
// answer as documented passes.
func TestContractCatchesDrift(t *testing.T) {
	t.Parallel()
	const user = `"id":"01JH8Z3Q6W4N2V9K7T5R1M0XQY","username":"alice","display_name":"Alice","roles":["admin"],"approval_level":0,"departments":[],"disabled":false,"version":1,"created_at":"2026-01-15T10:00:00Z","updated_at":"2026-01-15T10:00:00Z"`
	const problem = `"type":"/problems/not_found","title":"Not Found","status":404,"detail":"no such document"`
	cases := []struct {
		name, method, path, token string
		status                    int
		contentType, body         string
		want                      string // "" when the exchange matches the document
	}{
		{"documented user", "GET", "/api/v1/me", "t", 200, "application/json", `{` + user + `}`, ""},
		{"undocumented member", "GET", "/api/v1/me", "t", 200, "application/json", `{` + user + `,"email":"a@example.com"}`, `"email"`},
		{"missing member", "GET", "/api/v1/me", "t", 200, "application/json", `{"id":"x","username":"alice"}`, "display_name"},
		{"wrong type", "GET", "/api/v1/me", "t", 200, "application/json", `{` + strings.Replace(user, `"approval_level":0`, `"approval_level":"0"`, 1) + `}`, "approval_level"},
		{"undocumented status", "GET", "/api/v1/me", "t", 418, "application/problem+json", `{` + problem + `}`, "status is not supported"},
		{"documented problem", "GET", "/api/v1/documents/x", "t", 404, "application/problem+json", `{` + problem + `}`, ""},
		{"problem with an extra member", "GET", "/api/v1/documents/x", "t", 404, "application/problem+json", `{` + problem + `,"trace":"x"}`, `"trace"`},
		{"problem as plain JSON", "GET", "/api/v1/documents/x", "t", 404, "application/json", `{` + problem + `}`, "application/json"},
		{"accepted without a token", "GET", "/api/v1/me", "", 200, "application/json", `{` + user + `}`, "bearer"},
		{"refused without a token", "GET", "/api/v1/me", "", 401, "application/problem+json", `{"type":"/problems/unauthorized","title":"Unauthorized","status":401,"detail":"sign in"}`, ""},
		{"undocumented route", "GET", "/api/v1/nothing", "t", 200, "application/json", `{}`, "no operation"},
	}
	c := newContract(t)
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			req := httptest.NewRequest(tc.method, tc.path, nil)
			if tc.token != "" {
				req.Header.Set("Authorization", "Bearer "+tc.token)
			}
			rec := httptest.NewRecorder()
			rec.Header().Set("Content-Type", tc.contentType)
			rec.WriteHeader(tc.status)
			rec.WriteString(tc.body)
			err := c.check(req, nil, rec)
			switch {
			case tc.want == "" && err != nil:
				t.Errorf("check refused a documented exchange: %v", err)
			case tc.want != "" && err == nil:
				t.Errorf("check accepted %s %s %d %s, want a failure naming %s", tc.method, tc.path, tc.status, tc.body, tc.want)
			case tc.want != "" && !strings.Contains(err.Error(), tc.want):
				t.Errorf("check failed with %q, want it to name %s", err, tc.want)
			}
		})
	}
}
