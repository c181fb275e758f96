package ui_test

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"dossier/internal/apptest"
)

// chromium is Debian's browser, which scripts/test.sh installs.
const chromium = "/usr/bin/chromium"

// tab is one headless Chromium page driven against a running server.
type tab struct {
	t     *testing.T
	ctx   context.Context
	base  string
	shots string
	width int64
	// prefix starts the screenshots' names, to keep apart the runs of one
	// test on several backends.
	prefix string
}

// newTab starts a fresh headless Chromium (its own profile) for the test.
// Without the browser the test is skipped, except under CI=true, where a
// missing backend is a failure.
func newTab(t *testing.T, s *apptest.Server) *tab {
	t.Helper()
	path := chromium
	if _, err := os.Stat(path); err != nil {
		if p, err := exec.LookPath("chromium"); err == nil {
			path = p
		} else if os.Getenv("CI") == "true" {
			t.Fatalf("no Chromium at %s: scripts/test.sh installs the package chromium", chromium)
		} else {
			t.Skipf("no Chromium at %s: install the package chromium to run the browser tests", chromium)
		}
	}
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(path), chromedp.UserDataDir(t.TempDir()),
		chromedp.Flag("headless", true), chromedp.Flag("no-sandbox", true), chromedp.Flag("disable-gpu", true),
		chromedp.Flag("disable-quic", true), chromedp.Flag("no-first-run", true),
		chromedp.Flag("disable-background-networking", true), chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true), chromedp.Flag("lang", "en-US"),
	}
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelCtx := chromedp.NewContext(actx)
	ctx, cancelTimeout := context.WithTimeout(ctx, 3*time.Minute)
	t.Cleanup(func() { cancelTimeout(); cancelCtx(); cancelAlloc() })
	shots := os.Getenv("DOSSIER_SCREENSHOTS")
	if shots == "" {
		shots = t.TempDir()
	}
	tb := &tab{t: t, ctx: ctx, base: s.URL, shots: shots}
	tb.viewport(1280, 900)
	return tb
}

func (b *tab) do(steps ...chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	if err := chromedp.Do(b.ctx, steps...); err != nil {
		b.t.Fatalf("browser: %v", err)
	}
}

func (b *tab) viewport(w, h int64) {
	b.t.Helper()
	b.width = w
	if w < 600 {
		// A phone: overlay scrollbars and touch, as the device has.
		b.do(chromedp.EmulateViewport(w, h, chromedp.EmulateMobile, chromedp.EmulateTouch, chromedp.EmulateScale(2)))
		return
	}
	b.do(chromedp.EmulateViewport(w, h))
}

// open loads a page of the server.
func (b *tab) open(path string) {
	b.t.Helper()
	b.do(chromedp.Navigate(b.base + path))
}

// submit clicks what sel names and waits for the page it loads.
func (b *tab) submit(sel string) {
	b.t.Helper()
	if _, err := chromedp.Run(b.ctx, chromedp.WaitEvent(page.LoadEventFired, nil, chromedp.Click(chromedp.CSS(sel)))); err != nil {
		b.t.Fatalf("click %s: %v", sel, err)
	}
}

func (b *tab) fill(sel, value string) {
	b.t.Helper()
	b.do(chromedp.SetValue(chromedp.CSS(sel), value))
}

// text is the text of what sel names, which must be on the page within 10 s.
func (b *tab) text(sel string) string {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, 10*time.Second)
	defer cancel()
	s, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(sel)))
	if err != nil {
		page, _ := chromedp.Run(b.ctx, chromedp.Evaluate[string](`location.pathname + ": " + document.body.innerText.slice(0, 2000)`))
		b.t.Fatalf("text of %s: %v; the page is %s", sel, err, page)
	}
	return s
}

// count is the number of elements sel matches now.
func (b *tab) count(sel string) int {
	b.t.Helper()
	return eval[int](b, fmt.Sprintf("document.querySelectorAll(%q).length", sel))
}

func eval[T any](b *tab, js string) T {
	b.t.Helper()
	v, err := chromedp.Run(b.ctx, chromedp.Evaluate[T](js))
	if err != nil {
		b.t.Fatalf("evaluate %s: %v", js, err)
	}
	return v
}

// waitFor polls the JavaScript condition until it holds (htmx panels and
// uploads finish on their own time), failing after 20 s. A page that is
// being replaced meanwhile only counts as "not yet".
func (b *tab) waitFor(cond string) {
	b.t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	js := "(() => { try { return !!(" + cond + ") } catch (e) { return false } })()"
	for {
		ok, err := chromedp.Run(b.ctx, chromedp.Evaluate[bool](js))
		if err == nil && ok {
			return
		}
		if time.Now().After(deadline) {
			b.t.Fatalf("waited 20 s for %s (last error: %v)", cond, err)
		}
		if _, err := chromedp.Run(b.ctx, chromedp.Sleep(100*time.Millisecond)); err != nil {
			b.t.Fatal(err)
		}
	}
}

// signIn signs out whoever is signed in, then signs username in.
func (b *tab) signIn(username string) {
	b.t.Helper()
	b.open("/sign-in")
	if b.count("form[action='/sign-out']") > 0 {
		b.submit("form[action='/sign-out'] button")
		b.open("/sign-in")
	}
	b.fill("#username", username)
	b.fill("#password", apptest.Password(username))
	b.submit("form[action='/sign-in'] button[type=submit]")
	if got := eval[string](b, "location.pathname"); got != "/inbox" {
		b.t.Fatalf("after signing %s in the browser is on %s, want /inbox", username, got)
	}
}

// shot saves a screenshot of the whole page as NAME-WIDTH.png, and checks
// the page's accessibility before.
func (b *tab) shot(name string) {
	b.t.Helper()
	b.checkAccessible(name)
	png, err := chromedp.Run(b.ctx, chromedp.FullScreenshot(100))
	if err != nil {
		b.t.Fatalf("screenshot %s: %v", name, err)
	}
	file := filepath.Join(b.shots, fmt.Sprintf("%s%s-%d.png", b.prefix, name, b.width))
	if err := os.WriteFile(file, png, 0o644); err != nil {
		b.t.Fatal(err)
	}
}

// checkAccessible runs a11yCheck in the page and fails the test on each
// violation it reports, and when the page is wider than the viewport.
func (b *tab) checkAccessible(name string) {
	b.t.Helper()
	raw := eval[string](b, a11yCheck)
	var problems []string
	if err := json.Unmarshal([]byte(raw), &problems); err != nil {
		b.t.Fatalf("accessibility check of %s: %v (%s)", name, err, raw)
	}
	for _, p := range problems {
		b.t.Errorf("%s at %d px: %s", name, b.width, p)
	}
	// Wider than the window: something sticks out on the right.
	if w := eval[[]int](b, "[document.documentElement.scrollWidth, document.documentElement.clientWidth]"); w[0] > w[1] {
		b.t.Errorf("%s at %d px: the page is %d px wide in a window of %d and scrolls sideways; it sticks out: %s",
			name, b.width, w[0], w[1], eval[string](b, sticksOut))
	}
}

// sticksOut names the innermost elements whose right edge passes the
// window's, so that a failure says what to fix.
const sticksOut = `(() => {
  const w = document.documentElement.clientWidth, out = [];
  for (const el of document.body.querySelectorAll("*")) {
    if (el.getBoundingClientRect().right <= w + 0.5) continue;
    if ([...el.children].some(c => c.getBoundingClientRect().right > w + 0.5)) continue;
    out.push(el.tagName.toLowerCase() + (el.id ? "#" + el.id : "") + (el.className ? "." + String(el.className).replace(/ +/g, ".") : "") +
      " «" + (el.textContent || "").trim().slice(0, 40) + "»");
  }
  return out.slice(0, 5).join(", ") || "nothing visible";
})()`

func TestBrowserA11yCheckFindsViolations(t *testing.T) {
	t.Parallel()
	s := startServer(t)
	b := newTab(t, s)
	b.open("/sign-in")
	// Break the page three ways; the check must report each.
	eval[bool](b, `(() => {
		document.querySelector("label[for=username]").remove();
		const btn = document.querySelector("main button[type=submit]"); btn.textContent = "";
		const p = document.createElement("p"); p.textContent = "faint"; p.className = "faint-test";
		p.setAttribute("data-color", "1"); document.querySelector("main").appendChild(p);
		p.style.color = "#bbbbbb";
		return true })()`)
	raw := eval[string](b, a11yCheck)
	for _, want := range []string{"#username", "button", "faint"} {
		if !strings.Contains(raw, want) {
			t.Errorf("the check missed the broken %s: %s", want, raw)
		}
	}
}

// clickCSS clicks without waiting for a page load (scripts handle it).
func clickCSS(sel string) chromedp.Action[chromedp.Void] { return chromedp.Click(chromedp.CSS(sel)) }
