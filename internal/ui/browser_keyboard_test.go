package ui_test

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"dossier/internal/dossier"
)

// tabTo presses Tab until the element sel names has the focus, and checks
// that each element the focus passes shows it (an outline or a ring).
func (b *tab) tabTo(sel string) {
	b.t.Helper()
	for range 40 {
		b.do(chromedp.KeyEvent(kb.Tab))
		focus := eval[[]string](b, `(() => { const el = document.activeElement; const st = getComputedStyle(el);
			return [el.id || el.tagName + ":" + el.textContent.trim().slice(0, 20), st.outlineStyle, st.boxShadow, String(el.matches(":focus")), String(el.matches(":focus-within"))] })()`)
		if focus[1] == "none" && focus[2] == "none" && !strings.HasPrefix(focus[0], "BODY:") { // past the last element
			b.t.Errorf("%s has the keyboard focus and does not show it %v", focus[0], focus)
		}
		if eval[bool](b, `document.activeElement === document.querySelector(`+jsString(sel)+`)`) {
			return
		}
	}
	b.t.Fatalf("40 presses of Tab never reached %s", sel)
}

func jsString(s string) string { return "'" + strings.ReplaceAll(s, "'", `\'`) + "'" }

// TestBrowserKeyboardOnly signs in and fires an event with the keyboard alone.
func TestBrowserKeyboardOnly(t *testing.T) {
	t.Parallel()
	s := startServer(t)
	s.AddUser(t, "kim", []dossier.Role{dossier.RoleAdmin}, 0)
	b := newTab(t, s)
	b.open("/sign-in")
	b.tabTo("#username")
	b.do(chromedp.KeyEvent("kim"))
	b.tabTo("#password")
	b.do(chromedp.KeyEvent("kim-password"))
	b.do(chromedp.KeyEvent(kb.Enter))
	b.waitFor(`location.pathname === "/inbox"`)

	b.open("/upload?kind=" + string(dossier.KindOther))
	b.tabTo("#up-title")
	b.do(chromedp.KeyEvent("Keyboard memo"))
	// The file is the one thing a keyboard cannot type: the test sets it.
	b.dropFiles(map[string][]byte{"memo.pdf": minimalPDF(t)})
	b.tabTo("[data-upload-start]")
	b.do(chromedp.KeyEvent(kb.Enter))
	b.waitFor(`document.querySelector(".upload-row.done a")`)
	b.tabTo(".upload-row.done a")
	b.do(chromedp.KeyEvent(kb.Enter))
	b.waitFor(`document.querySelector("form.event-form")`)
	event := eval[string](b, `document.querySelector("form.event-form").dataset.event`)
	b.tabTo(`form.event-form[data-event="` + event + `"] button[type=submit]`)
	b.do(chromedp.KeyEvent(kb.Enter))
	b.waitFor(`document.querySelector("[data-test=notice]")`)
}

// TestBrowserLanguageSwitch picks Chinese in the header: the page reloads
// in Chinese and stays so on the next page.
func TestBrowserLanguageSwitch(t *testing.T) {
	t.Parallel()
	s := startServer(t)
	s.AddUser(t, "mei", []dossier.Role{dossier.RoleAdmin, dossier.RoleApprover}, 2)
	b := newTab(t, s)
	b.signIn("mei")
	// As a person picks an option: the value changes, then "change" fires.
	b.do(chromedp.Evaluate[chromedp.Void](`(() => { const s = document.querySelector("#lang-select"); s.value = "zh";
		s.dispatchEvent(new Event("change", {bubbles: true})) })()`))
	b.waitFor(`document.documentElement.lang === "zh"`)
	b.open("/documents")
	if nav := b.text("nav.main"); !strings.Contains(nav, "待办") || !strings.Contains(nav, "文件") {
		t.Fatalf("the navigation is not in Chinese after the switch: %q", nav)
	}
	if who := b.text(".who .roles"); !strings.Contains(who, "管理员") || !strings.Contains(who, "审批级别 2") {
		t.Errorf("the roles in the header are not in Chinese: %q", who)
	}
	b.open("/upload")
	b.shot("upload-zh")
}
