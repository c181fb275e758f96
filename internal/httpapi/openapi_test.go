package httpapi

import (
	"encoding/json"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/labstack/echo/v4"
)

// OpenAPISpec is the served document, for the contract check of the API tests.
var OpenAPISpec = openAPISpec

// openAPIMethods are the operation keys of an OpenAPI path item.
var openAPIMethods = []string{"get", "put", "post", "delete", "options", "head", "patch", "trace"}

// publicOperations are the operations that need no token (security: []).
var publicOperations = []string{
	"POST /api/v1/session", "GET /healthz", "GET /readyz", "GET /metrics", "GET /api/openapi.json",
	"GET /api/v1/audit/key",
}

func loadOpenAPI(t *testing.T) map[string]any {
	t.Helper()
	var doc map[string]any
	if err := json.Unmarshal(openAPISpec, &doc); err != nil {
		t.Fatalf("openapi.json is not valid JSON: %v", err)
	}
	return doc
}

// openAPIOperations returns every operation of the document by "METHOD /path".
func openAPIOperations(t *testing.T, doc map[string]any) map[string]map[string]any {
	t.Helper()
	paths, ok := doc["paths"].(map[string]any)
	if !ok || len(paths) == 0 {
		t.Fatal("openapi.json has no paths")
	}
	ops := map[string]map[string]any{}
	for path, item := range paths {
		item, ok := item.(map[string]any)
		if !ok {
			t.Errorf("path %s is not an object", path)
			continue
		}
		for _, m := range openAPIMethods {
			if op, ok := item[m]; ok {
				o, ok := op.(map[string]any)
				if !ok {
					t.Errorf("%s %s is not an object", m, path)
					continue
				}
				ops[strings.ToUpper(m)+" "+path] = o
			}
		}
	}
	return ops
}

func TestOpenAPIDocument(t *testing.T) {
	doc := loadOpenAPI(t)
	if v, _ := doc["openapi"].(string); !strings.HasPrefix(v, "3.") {
		t.Errorf("openapi = %q, want 3.x", v)
	}
	info, _ := doc["info"].(map[string]any)
	if info["title"] != "Dossier API" || info["version"] != "1" {
		t.Errorf("info = %v, want title \"Dossier API\" and version \"1\"", info)
	}
	comps, _ := doc["components"].(map[string]any)
	schemes, _ := comps["securitySchemes"].(map[string]any)
	if bearer, _ := schemes["bearerAuth"].(map[string]any); bearer["type"] != "http" || bearer["scheme"] != "bearer" {
		t.Errorf("components.securitySchemes.bearerAuth = %v, want an HTTP bearer scheme", schemes["bearerAuth"])
	}
	if sec, _ := doc["security"].([]any); len(sec) != 1 {
		t.Errorf("global security = %v, want [{bearerAuth: []}]", doc["security"])
	}

	pathParam := regexp.MustCompile(`\{([^}]+)\}`)
	opIDs := map[string]string{}
	for key, op := range openAPIOperations(t, doc) {
		id, _ := op["operationId"].(string)
		if id == "" {
			t.Errorf("%s has no operationId", key)
		} else if prev, dup := opIDs[id]; dup {
			t.Errorf("%s and %s share the operationId %q", prev, key, id)
		} else {
			opIDs[id] = key
		}

		responses, _ := op["responses"].(map[string]any)
		has2xx := false
		for status, resp := range responses {
			if strings.HasPrefix(status, "2") {
				has2xx = true
			}
			code, err := strconv.Atoi(status)
			if err != nil || code < 400 || strings.HasPrefix(key, "HEAD ") {
				continue // a HEAD answer has no body
			}
			content, _ := resp.(map[string]any)["content"].(map[string]any)
			problem, ok := content["application/problem+json"].(map[string]any)
			if !ok {
				t.Errorf("%s response %s is not application/problem+json", key, status)
				continue
			}
			if schema, _ := problem["schema"].(map[string]any); schema["$ref"] != "#/components/schemas/Problem" {
				t.Errorf("%s response %s: schema %v, want the Problem schema", key, status, problem["schema"])
			}
		}
		if !has2xx {
			t.Errorf("%s has no 2xx response", key)
		}

		sec, hasSec := op["security"].([]any)
		public := hasSec && len(sec) == 0
		if want := slices.Contains(publicOperations, key); public != want {
			t.Errorf("%s: public (security: []) = %v, want %v", key, public, want)
		}

		// Every {param} of the path is declared as a required path parameter.
		declared := map[string]bool{}
		params, _ := op["parameters"].([]any)
		for _, p := range params {
			p, _ := p.(map[string]any)
			if p["in"] == "path" && p["required"] == true {
				declared[p["name"].(string)] = true
			}
		}
		path := strings.SplitN(key, " ", 2)[1]
		for _, m := range pathParam.FindAllStringSubmatch(path, -1) {
			if !declared[m[1]] {
				t.Errorf("%s does not declare the required path parameter %q", key, m[1])
			}
		}
	}
}

// TestOpenAPIMatchesRoutes checks that the document describes exactly the
// routes the API registers, no more and no fewer.
func TestOpenAPIMatchesRoutes(t *testing.T) {
	e := echo.New()
	(&handlers{}).routes(e) // handlers are only referenced, never called
	colon := regexp.MustCompile(`:([A-Za-z0-9_]+)`)
	registered := map[string]bool{}
	for _, r := range e.Routes() {
		// Skip echo's own routes (group not-found catch-alls, Any) and the
		// landing page, which is HTML for people rather than API.
		if !slices.Contains(openAPIMethods, strings.ToLower(r.Method)) || strings.Contains(r.Path, "*") || r.Path == "/" {
			continue
		}
		registered[r.Method+" "+colon.ReplaceAllString(r.Path, "{$1}")] = true
	}
	if len(registered) == 0 {
		t.Fatal("no routes registered")
	}
	documented := openAPIOperations(t, loadOpenAPI(t))
	for key := range registered {
		if _, ok := documented[key]; !ok {
			t.Errorf("route %s is registered but not in openapi.json", key)
		}
	}
	for key := range documented {
		if !registered[key] {
			t.Errorf("openapi.json documents %s, which is not a registered route", key)
		}
	}
}

// TestOpenAPIRefsResolve checks that every $ref points at something in the document.
func TestOpenAPIRefsResolve(t *testing.T) {
	doc := loadOpenAPI(t)
	n := 0
	var walk func(where string, v any)
	walk = func(where string, v any) {
		switch v := v.(type) {
		case map[string]any:
			for k, child := range v {
				if k == "$ref" {
					n++
					ref, _ := child.(string)
					if _, err := resolveRef(doc, ref); err != "" {
						t.Errorf("%s: $ref %q: %s", where, ref, err)
					}
					continue
				}
				walk(where+"/"+k, child)
			}
		case []any:
			for i, child := range v {
				walk(where+"/"+strconv.Itoa(i), child)
			}
		}
	}
	walk("#", doc)
	if n == 0 {
		t.Error("openapi.json has no $ref at all")
	}
}

// resolveRef follows a local JSON pointer reference; err is "" on success.
func resolveRef(doc map[string]any, ref string) (any, string) {
	if !strings.HasPrefix(ref, "#/components/") {
		return nil, "not a local reference into #/components"
	}
	var cur any = doc
	for _, tok := range strings.Split(strings.TrimPrefix(ref, "#/"), "/") {
		tok = strings.ReplaceAll(strings.ReplaceAll(tok, "~1", "/"), "~0", "~")
		m, ok := cur.(map[string]any)
		if !ok {
			return nil, "passes through a non-object"
		}
		if cur, ok = m[tok]; !ok {
			return nil, "no member " + strconv.Quote(tok)
		}
	}
	return cur, ""
}

// TestOpenAPIResponsesAreClosed checks that every object a response can
// carry says whether it takes members beyond its properties, so that the
// contract check of the API tests fails on an undocumented member; a map
// (dates, fields, payloads, facet counts) says so with additionalProperties.
func TestOpenAPIResponsesAreClosed(t *testing.T) {
	doc := loadOpenAPI(t)
	seen := map[string]bool{}
	var walk func(where string, schema map[string]any)
	walk = func(where string, schema map[string]any) {
		if ref, ok := schema["$ref"].(string); ok {
			if seen[ref] {
				return
			}
			seen[ref] = true
			target, err := resolveRef(doc, ref)
			if err != "" {
				t.Errorf("%s: $ref %q: %s", where, ref, err)
				return
			}
			target2, _ := target.(map[string]any)
			walk(ref, target2)
			return
		}
		for _, k := range []string{"allOf", "anyOf", "oneOf"} {
			if _, ok := schema[k]; ok {
				t.Errorf("%s uses %s, which OpenAPI 3.0 cannot close against undocumented members", where, k)
			}
		}
		_, hasProps := schema["properties"].(map[string]any)
		if schema["type"] == "object" || hasProps {
			if _, ok := schema["additionalProperties"]; !ok {
				t.Errorf("%s is an object without additionalProperties: set false (or a schema for a map)", where)
			}
		}
		if props, ok := schema["properties"].(map[string]any); ok {
			for name, p := range props {
				p, _ := p.(map[string]any)
				walk(where+"/properties/"+name, p)
			}
		}
		for _, k := range []string{"items", "additionalProperties"} {
			if sub, ok := schema[k].(map[string]any); ok {
				walk(where+"/"+k, sub)
			}
		}
	}
	for key, op := range openAPIOperations(t, doc) {
		responses, _ := op["responses"].(map[string]any)
		for status, resp := range responses {
			content, _ := resp.(map[string]any)["content"].(map[string]any)
			for media, c := range content {
				if schema, ok := c.(map[string]any)["schema"].(map[string]any); ok {
					walk(key+" "+status+" "+media, schema)
				}
			}
		}
	}
	if !seen["#/components/schemas/Problem"] || !seen["#/components/schemas/Document"] {
		t.Fatal("the walk missed the Problem or Document schema")
	}

	// Document is DocumentSummary plus allowed_events, written out because
	// an allOf cannot be closed: the two lists must not drift apart.
	schemas := doc["components"].(map[string]any)["schemas"].(map[string]any)
	summary, _ := schemas["DocumentSummary"].(map[string]any)
	document, _ := schemas["Document"].(map[string]any)
	want, _ := json.Marshal(map[string]any{
		"properties": merge(summary["properties"], map[string]any{"allowed_events": document["properties"].(map[string]any)["allowed_events"]}),
		"required":   append(slices.Clone(summary["required"].([]any)), "allowed_events"),
	})
	got, _ := json.Marshal(map[string]any{"properties": document["properties"], "required": document["required"]})
	if string(got) != string(want) {
		t.Errorf("Document is not DocumentSummary plus allowed_events:\n got %s\nwant %s", got, want)
	}
}

// merge returns the members of a (an object) and b together.
func merge(a any, b map[string]any) map[string]any {
	out := map[string]any{}
	for k, v := range a.(map[string]any) {
		out[k] = v
	}
	for k, v := range b {
		out[k] = v
	}
	return out
}
