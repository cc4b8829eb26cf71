"""What the layout's browser tests measure on a page, as scripts run in it: words of a
table broken letter by letter, what a finger works that is smaller than 44 × 44 px, a
table cut at its box's edge, a card's column name broken, dates in ISO order on a
Russian page; `CHECKS` runs them all at once."""

# the words of table cells (up to 12 letters: a longer one may have to break) that run
# over more than one line (not those of a closed <details>, which is not shown)
BROKEN_WORDS = """() => {
  const out = [];
  document.querySelectorAll("table td, table th").forEach((cell) => {
    if (cell.closest("table.reflow thead") || cell.getBoundingClientRect().width < 2) return;
    const walk = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
    for (let node = walk.nextNode(); node; node = walk.nextNode()) {
      if (node.parentElement.closest("details:not([open]) > :not(summary)")) continue;
      for (const m of node.data.matchAll(/[^\\s\\-\u2013\u2014\\/]+/g)) {
        if (m[0].length > 12) continue;
        const range = document.createRange();
        range.setStart(node, m.index);
        range.setEnd(node, m.index + m[0].length);
        const lines = new Set(Array.from(range.getClientRects(), (r) => Math.round(r.top)));
        if (lines.size > 1) out.push(m[0]);
      }
    }
  });
  return out;
}"""


# what a finger works (WCAG 2.5.5, 44 × 44 CSS px): buttons, fields, folds, the menu's and
# the languages' links, the links that stand as actions in a toolbar, a list's pager, the
# links to a file (a PDF, an XML, a letter: "PDF · Akoma Ntoso XML", "CAP", wherever they
# stand), a checkbox with its label, the maps' zoom buttons, a link that stands by itself
# (`ALONE`); not a link inside a sentence
# a link that stands by itself: in a table's cell (a card's) or a heading, an item of a
# flex or grid box, the start of its list's item, or the only text of its block but for
# other links and separators
ALONE = r"""(a) => {
  if (a.closest("table td, table th.name, h1, h2, h3, h4, h5, h6")) return true;
  if (/flex|grid/.test(getComputedStyle(a.parentElement).display)) return true;
  const item = a.closest("li");
  if (item && item.textContent.trim().startsWith(a.textContent.trim())) return true;
  let block = a.parentElement;
  while (block && getComputedStyle(block).display === "inline") block = block.parentElement;
  if (!block) return false;
  let rest = block.textContent;
  block.querySelectorAll("a").forEach((other) => { rest = rest.replace(other.textContent, ""); });
  return /^[\s·•|,;:\/→←—–()-]*$/.test(rest);
}"""
TAP_TARGETS = f"""() => {{
  const out = [];
  const alone = {ALONE};
  const sel = "button, select, input:not([type=hidden]), summary, nav.main a, .lang a, .user a, "
    + ".toolbar a, .leaflet-control-zoom a, .leaflet-control-layers-toggle, details.jump a, "
    + "p.pager a, "
    + "main a[download], main a[href^='/api/'], main a[href*='.pdf'], main a[href*='.xml']";
  const targets = new Set(document.querySelectorAll(sel));
  document.querySelectorAll("main a[href]").forEach((a) => {{ if (alone(a)) targets.add(a); }});
  targets.forEach((el) => {{
    if (el.closest("details:not([open]) > :not(summary)")) return;
    const box = el.matches("input[type=checkbox], input[type=radio]")
      ? (el.closest("label") || el) : el;
    const r = box.getBoundingClientRect();
    if (r.width === 0 || r.height === 0 || getComputedStyle(el).visibility === "hidden") return;
    if (r.width < 43.5 || r.height < 43.5) {{
      const name = (el.textContent || el.value || el.name || el.title || "").trim();
      out.push(`${{el.tagName.toLowerCase()}} "${{name.slice(0, 24)}}" ${{Math.round(r.width)}}`
               + `x${{Math.round(r.height)}}`);
    }}
  }});
  return out;
}}"""
# a table whose content runs out of its box (it scrolls sideways, cut at the screen's
# edge) instead of fitting or showing its rows as cards
TABLES_CUT = """() => Array.from(document.querySelectorAll("table.data"))
  .filter((t) => t.getBoundingClientRect().width > 0 && t.scrollWidth > t.clientWidth + 1)
  .map((t) => t.id || t.className)"""
# a date in ISO order (2026-12-03, 12-03 09:30) in the text a Russian page shows, outside
# codes and the dataset's notes (its own texts, which quote documents' dates)
ISO_DATES = r"""() => {
  const out = [];
  const walk = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let n = walk.nextNode(); n; n = walk.nextNode()) {
    const p = n.parentElement;
    if (!p || p.closest("script, style, code, .code, pre, td.note")) continue;
    const m = n.data.match(/(?<![\d-])\d{4}-\d\d-\d\d(?![\d-])|\b\d\d-\d\d \d\d:\d\d\b/g);
    if (m) out.push(...m);
  }
  return out;
}"""

# the words of a card's column names (a table shown as cards: the name beside each cell)
# wider than the room the name has, which breaks them letter by letter ("Подразделени-е")
CARD_NAMES = r"""() => {
  const out = new Set();
  const probe = document.createElement("span");
  probe.style.position = "absolute";
  probe.style.visibility = "hidden";
  probe.style.whiteSpace = "nowrap";
  document.body.appendChild(probe);
  const cells = "table.data.reflow td[data-label], table.data.reflow th.name[data-label]";
  document.querySelectorAll(cells).forEach((td) => {
    if (td.getBoundingClientRect().width === 0) return;
    const name = getComputedStyle(td, "::before");
    probe.style.font = name.font;
    for (const word of td.dataset.label.split(/[\s\-–—\/]+/)) {
      probe.textContent = word;
      if (probe.getBoundingClientRect().width > parseFloat(name.width) + 0.5) out.add(word);
    }
  });
  probe.remove();
  return [...out];
}"""


# the checks above on the page at once: on the phone (`phone`) the finger's, the tables'
# (and their cards'), and the dates' too
CHECKS = f"""(phone) => ({{
  wide: document.documentElement.scrollWidth,
  broken: ({BROKEN_WORDS})(),
  small: phone ? ({TAP_TARGETS})() : [],
  cut: phone ? ({TABLES_CUT})() : [],
  names: phone ? ({CARD_NAMES})() : [],
  iso: phone ? ({ISO_DATES})() : [],
}})"""
