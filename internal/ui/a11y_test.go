package ui_test

// a11yCheck runs in the page and returns, as a JSON list of strings, what
// breaks the rules the pages keep: the document has a language, one main
// landmark and a first-level heading; every form control, button and link
// has an accessible name; ids are unique; text meets WCAG AA contrast
// (4.5:1, or 3:1 for large text) against the background it is drawn on.
const a11yCheck = `(() => {
  const problems = [];
  const describe = el => {
    let s = el.tagName.toLowerCase();
    if (el.id) s += "#" + el.id;
    else if (el.getAttribute("name")) s += "[name=" + el.getAttribute("name") + "]";
    else if (el.className && typeof el.className === "string") s += "." + el.className.split(" ")[0];
    return s;
  };
  const visible = el => {
    if (!el.getClientRects().length) return false;
    const st = getComputedStyle(el);
    if (st.visibility === "hidden" || st.display === "none") return false;
    const r = el.getBoundingClientRect();
    return r.width > 1 && r.height > 1;
  };
  const byIds = ids => ids.split(/\s+/).map(id => document.getElementById(id)).filter(Boolean).map(e => e.textContent).join(" ");
  const nameOf = el => {
    if (el.getAttribute("aria-labelledby")) return byIds(el.getAttribute("aria-labelledby")).trim();
    if (el.getAttribute("aria-label")) return el.getAttribute("aria-label").trim();
    if (el.labels && el.labels.length) return Array.from(el.labels).map(l => l.textContent).join(" ").trim();
    if (el.getAttribute("title")) return el.getAttribute("title").trim();
    if (el.tagName === "INPUT" && (el.type === "submit" || el.type === "button")) return (el.value || "").trim();
    if (["BUTTON", "A", "SUMMARY"].includes(el.tagName)) {
      return (el.textContent + Array.from(el.querySelectorAll("img[alt]")).map(i => i.alt).join(" ")).trim();
    }
    return "";
  };

  if (!document.documentElement.lang) problems.push("the html element has no lang");
  if (document.querySelectorAll("main").length !== 1) problems.push("the page needs exactly one main landmark");
  if (!document.querySelector("h1")) problems.push("the page has no h1");
  if (!document.title.trim()) problems.push("the page has no title");

  const seen = {};
  document.querySelectorAll("[id]").forEach(el => {
    if (seen[el.id]) problems.push("the id " + el.id + " is used twice");
    seen[el.id] = true;
  });

  document.querySelectorAll("input, select, textarea").forEach(el => {
    if (el.type === "hidden") return;
    if (!nameOf(el)) problems.push(describe(el) + " has no label");
  });
  document.querySelectorAll("button, a[href], summary").forEach(el => {
    if (!visible(el) && !el.closest("details:not([open])")) return;
    if (!nameOf(el)) problems.push(describe(el) + " has no accessible name");
  });
  document.querySelectorAll("img").forEach(el => {
    if (!el.hasAttribute("alt")) problems.push(describe(el) + " has no alt text");
  });

  const parse = c => {
    const m = c.match(/rgba?\(([^)]+)\)/);
    if (!m) return null;
    const p = m[1].split(/[,\s/]+/).filter(Boolean).map(Number);
    return {r: p[0], g: p[1], b: p[2], a: p.length > 3 ? p[3] : 1};
  };
  const lum = c => {
    const ch = v => { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); };
    return 0.2126 * ch(c.r) + 0.7152 * ch(c.g) + 0.0722 * ch(c.b);
  };
  const background = el => {
    for (let e = el; e; e = e.parentElement) {
      const c = parse(getComputedStyle(e).backgroundColor);
      if (c && c.a > 0.5) return c;
    }
    return {r: 255, g: 255, b: 255, a: 1};
  };
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  const checked = new Set();
  for (let n = walker.nextNode(); n; n = walker.nextNode()) {
    const el = n.parentElement;
    if (!el || checked.has(el) || !n.textContent.trim() || !visible(el)) continue;
    if (el.closest(".sr, option, script, style, template")) continue;
    checked.add(el);
    const st = getComputedStyle(el);
    const fg = parse(st.color), bg = background(el);
    if (!fg) continue;
    const l1 = lum(fg), l2 = lum(bg);
    const ratio = (Math.max(l1, l2) + 0.05) / (Math.min(l1, l2) + 0.05);
    const size = parseFloat(st.fontSize), bold = Number(st.fontWeight) >= 700;
    const need = size >= 24 || (bold && size >= 18.66) ? 3 : 4.5;
    if (ratio < need) {
      problems.push(describe(el) + " \"" + n.textContent.trim().slice(0, 30) + "\" has contrast " + ratio.toFixed(2) + ":1, needs " + need + ":1");
    }
  }
  return JSON.stringify(problems);
})()`
