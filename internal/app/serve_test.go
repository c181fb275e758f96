package app_test

import (
	"context"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os/exec"
	"regexp"
	"strings"
	"testing"

	"dossier/internal/app"
	"dossier/internal/apptest"
	"dossier/internal/config"
	"dossier/internal/testenv"
)

// serve runs app.Serve on a local port until the test ends and returns the
// start-up log and the /metrics page.
func serve(t *testing.T) (log, metrics string) {
	t.Helper()
	var c config.Config
	for _, b := range apptest.Backends() {
		if b.Name == "embedded" { // the extractor does not depend on the backends
			c = b.Config(t)
		}
	}
	var out testenv.Buffer
	a, err := app.Open(t.Context(), c, slog.New(slog.NewTextHandler(&out, nil)))
	if err != nil {
		t.Fatalf("app.Open: %v", err)
	}
	t.Cleanup(func() { _ = a.Close() })
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- a.Serve(ctx, ln) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("Serve: %v", err)
		}
	})
	// The listener is bound, so the request waits in its backlog until Serve
	// accepts it; Serve logs the extractor before it accepts anything.
	resp, err := http.Get("http://" + ln.Addr().String() + "/metrics")
	if err != nil {
		t.Fatalf("GET /metrics: %v", err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("GET /metrics: %d %v", resp.StatusCode, err)
	}
	return out.String(), string(body)
}

// TestServeNamesTheTextExtractor: the start-up log and /metrics say which PDF
// text extractor the service uses, so that a replica without pdftotext shows.
func TestServeNamesTheTextExtractor(t *testing.T) {
	t.Run("pdftotext", func(t *testing.T) {
		if _, err := exec.LookPath("pdftotext"); err != nil {
			t.Skip("pdftotext is not installed (the README's test command installs it)")
		}
		log, metrics := serve(t)
		if !regexp.MustCompile(`level=INFO msg="text extraction" pdf=pdftotext pdf_version=\d+\.\d+\S* ocr=off`).MatchString(log) {
			t.Errorf("start-up log does not name pdftotext and its version:\n%s", log)
		}
		if !regexp.MustCompile(`(?m)^dossier_text_extractor_info\{extractor="pdftotext",ocr="off",version="\d+\.\d+[^"]*"\} 1$`).MatchString(metrics) {
			t.Errorf("/metrics has no dossier_text_extractor_info for pdftotext:\n%s", grep(metrics, "dossier_text"))
		}
	})
	t.Run("pure Go", func(t *testing.T) {
		t.Setenv("PATH", t.TempDir()) // no tool is found
		log, metrics := serve(t)
		if !strings.Contains(log, `level=WARN msg="text extraction is degraded`) || !strings.Contains(log, "pdf=pure-go") {
			t.Errorf("start-up log does not warn of the pure-Go reader:\n%s", log)
		}
		if !strings.Contains(metrics, `dossier_text_extractor_info{extractor="pure-go",ocr="off",version=""} 1`) {
			t.Errorf("/metrics has no dossier_text_extractor_info for the pure-Go reader:\n%s", grep(metrics, "dossier_text"))
		}
	})
}

func grep(text, prefix string) string {
	var out []string
	for line := range strings.Lines(text) {
		if strings.Contains(line, prefix) {
			out = append(out, line)
		}
	}
	return strings.Join(out, "")
}
