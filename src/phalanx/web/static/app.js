// Phalanx pages. No inline script anywhere: the Content-Security-Policy allows scripts
// from /static only.

// Send the session's CSRF token with every htmx request.
document.addEventListener("htmx:configRequest", function (event) {
  var token = document.body.dataset.csrf;
  if (token) {
    event.detail.headers["X-CSRF-Token"] = token;
  }
});

// A form marked data-swap-400 shows the server's answer to a bad request (a message
// saying what is wrong) in its target, as it shows a good one; htmx would drop it.
document.addEventListener("htmx:beforeSwap", function (event) {
  var source = event.detail.requestConfig && event.detail.requestConfig.elt;
  if (event.detail.xhr.status === 400 && source && source.closest("[data-swap-400]")) {
    event.detail.shouldSwap = true;
    event.detail.isError = false;
  }
});

// The menu folds behind one button (in the header) on a narrow screen.
document.addEventListener("click", function (event) {
  var toggle = event.target.closest && event.target.closest(".menu-toggle");
  var links = toggle && document.getElementById(toggle.getAttribute("aria-controls"));
  if (!links) {
    return;
  }
  var open = links.closest("nav").classList.toggle("open");
  toggle.setAttribute("aria-expanded", open ? "true" : "false");
});
// Escape, on the open menu's button or in the menu, folds it and puts the focus back on
// its button (not lost with a link that is no longer shown).
document.addEventListener("keydown", function (event) {
  if (event.key !== "Escape") {
    return;
  }
  var toggle = document.querySelector(".menu-toggle[aria-expanded=true]");
  var links = toggle && document.getElementById(toggle.getAttribute("aria-controls"));
  var nav = links && links.closest("nav");
  if (!nav || !(event.target === toggle || nav.contains(event.target))) {
    return;
  }
  nav.classList.remove("open");
  toggle.setAttribute("aria-expanded", "false");
  toggle.focus();
});

// On a narrow screen a data table too wide for it shows each row as a card; each cell
// carries the name of its column (from the table's head) to show beside it.
function labelCells(root) {
  root.querySelectorAll("table.data").forEach(function (table) {
    if (table.classList.contains("reflow") || table.scrollWidth <= table.clientWidth + 1) {
      return;
    }
    var heads = Array.prototype.map.call(table.querySelectorAll("thead th"), function (th) {
      return th.textContent.trim();
    });
    if (!heads.length) {
      return;
    }
    table.classList.add("reflow");
    table.querySelectorAll("tbody tr").forEach(function (tr) {
      var i = 0;
      Array.prototype.forEach.call(tr.children, function (cell) {
        if (heads[i] && !cell.hasAttribute("colspan")) {
          cell.setAttribute("data-label", heads[i]);
          // the content beside the name, as one box (the spaces between its parts kept)
          var value = document.createElement("div");
          value.className = "cell-value";
          while (cell.firstChild) {
            value.appendChild(cell.firstChild);
          }
          cell.appendChild(value);
        }
        i += cell.colSpan || 1;
      });
    });
  });
}
document.addEventListener("DOMContentLoaded", function () { labelCells(document); });
document.addEventListener("htmx:afterSettle", function (event) { labelCells(event.target); });

// A box that scrolls sideways (a wide chart or table on a small screen) can be reached
// and scrolled with the keyboard.
function focusScrollers(root) {
  root.querySelectorAll(".chart, figure.chart, table.data").forEach(function (el) {
    if (el.scrollWidth > el.clientWidth + 1 && !el.hasAttribute("tabindex")) {
      el.setAttribute("tabindex", "0");
    }
  });
}
document.addEventListener("DOMContentLoaded", function () { focusScrollers(document); });
document.addEventListener("htmx:afterSettle", function (event) { focusScrollers(event.target); });

// A link that stands by itself is what a finger taps on a phone (app.css gives `a.alone`
// 44 px there): a link in a table's cell (a card's on a phone) or a heading, one laid out
// as an item of a flex or grid box (an inbox card's title), one that leads its list's
// item (a list of bodies), one whose paragraph, list item or card value holds nothing but
// links and separators (the breadcrumbs, "CAP alerts · CAP feeds"). A link inside a sentence keeps the sentence's
// height (WCAG 2.5.5's inline exception).
var LINK_SEPARATORS = /^[\s·•|,;:\/→←—–()-]*$/;
function standsAlone(a) {
  if (a.closest("table.data td, table.data th.name, h1, h2, h3, h4, h5, h6")) {
    return true;
  }
  var parent = a.parentElement;
  if (/flex|grid/.test(getComputedStyle(parent).display)) {
    return true;
  }
  var item = a.closest("li");
  if (item && item.textContent.trim().indexOf(a.textContent.trim()) === 0) {
    return true;  // a link that leads its list's item: "Collective Security Council (CSC)"
  }
  var block = a.closest("p, li, dd, dt, figcaption, .cell-value, div");
  if (!block) {
    return false;
  }
  var rest = block.textContent;
  block.querySelectorAll("a").forEach(function (other) {
    rest = rest.replace(other.textContent, "");
  });
  return LINK_SEPARATORS.test(rest);
}
function markAlone(root) {
  root.querySelectorAll("main a[href]").forEach(function (a) {
    a.classList.toggle("alone", standsAlone(a));
  });
}
// a link made a finger's size may widen its table past the screen: the table is then
// shown as cards after all
document.addEventListener("DOMContentLoaded", function () {
  markAlone(document);
  labelCells(document);
});
document.addEventListener("htmx:afterSettle", function (event) {
  markAlone(document);
  labelCells(event.target);
});

// A form (or the chosen option of its select) marked data-confirm asks before it is sent:
// closing, deciding, what cannot be taken back.
document.addEventListener("submit", function (event) {
  var form = event.target;
  var ask = form.getAttribute("data-confirm");
  var chosen = form.querySelector("select option:checked[data-confirm]");
  if (chosen) {
    ask = chosen.getAttribute("data-confirm");
  }
  if (ask && !window.confirm(ask)) {
    event.preventDefault();
  }
});

// The error page of a refused form: "Back to the form" returns to it as it was left, with
// what was typed (the browser restores the fields of a page it goes back to); with no
// page to go back to (a new tab), it opens the form's page.
document.addEventListener("click", function (event) {
  var back = event.target.closest && event.target.closest("[data-history-back]");
  if (!back) {
    return;
  }
  event.preventDefault();
  if (window.history.length > 1) {
    window.history.back();
  } else {
    window.location.assign(back.getAttribute("data-history-back"));
  }
});

// A select whose options name the field they require (data-requires="review"): while
// such an option is chosen its field is required, and the others it names are not, so
// that the browser asks for it before the form is sent (closing needs the after-action
// review, "no action" a reason).
function requireChosen(select) {
  var form = select.form;
  if (!form) {
    return;
  }
  var chosen = select.options[select.selectedIndex];
  var needed = chosen ? chosen.getAttribute("data-requires") : null;
  Array.prototype.forEach.call(select.options, function (option) {
    var name = option.getAttribute("data-requires");
    var field = name && form.elements[name];
    if (field) {
      field.required = name === needed;
    }
  });
}
function requireAll(root) {
  root.querySelectorAll("select").forEach(function (select) {
    if (select.querySelector("option[data-requires]")) {
      requireChosen(select);
    }
  });
}
document.addEventListener("change", function (event) {
  if (event.target.tagName === "SELECT" && event.target.querySelector("option[data-requires]")) {
    requireChosen(event.target);
  }
});
document.addEventListener("DOMContentLoaded", function () { requireAll(document); });
document.addEventListener("htmx:afterSettle", function (event) { requireAll(event.target); });

// A refused form comes back with its message beside it (data-refusal), or on a page of
// its own (the error page, data-form-error): the focus goes to the message, in view, so
// that a screen reader reads it first. The message beside a form describes the form's
// fields (aria-describedby), where the page does not tie it to one of them already: a
// screen reader says it on the field. Its form is the one it stands in, or next to.
function refusedForm(refusal) {
  var form = refusal.closest("form");
  [refusal.nextElementSibling, refusal.previousElementSibling].forEach(function (el) {
    if (!form && el && el.tagName === "FORM") {
      form = el;
    }
  });
  return form;
}
function describeFields(refusal) {
  var form = refusedForm(refusal);
  if (!form || !refusal.id) {
    return;
  }
  var fields = Array.prototype.filter.call(form.elements, function (el) {
    return ["INPUT", "SELECT", "TEXTAREA"].indexOf(el.tagName) >= 0 &&
      ["hidden", "submit", "button", "reset"].indexOf(el.type) < 0;
  });
  var tied = fields.some(function (el) {
    return (el.getAttribute("aria-describedby") || "").split(/\s+/).indexOf(refusal.id) >= 0;
  });
  if (tied) {
    return;
  }
  if (!fields.length) {
    fields = Array.prototype.filter.call(form.elements, function (el) {
      return el.tagName === "BUTTON" || el.type === "submit";
    });
  }
  fields.forEach(function (el) {
    el.setAttribute("aria-describedby",
                    ((el.getAttribute("aria-describedby") || "") + " " + refusal.id).trim());
  });
}
document.addEventListener("DOMContentLoaded", function () {
  document.querySelectorAll("[data-refusal]").forEach(describeFields);
  var refusal = document.querySelector("[data-refusal], [data-form-error]");
  if (refusal) {
    refusal.setAttribute("tabindex", "-1");
    refusal.scrollIntoView({block: "center"});
    refusal.focus({preventScroll: true});
  }
});
document.addEventListener("htmx:afterSettle", function (event) {
  event.target.querySelectorAll("[data-refusal]").forEach(describeFields);
});

// A chart's figures are in the tooltips of its marks (an SVG <title>), which neither a
// touch screen nor the keyboard shows: a tap on a bar (or any mark with a tooltip), or
// the keyboard's focus on a bar (each bar is a stop of it, named by its tooltip:
// charts.py), writes its tooltip in a line under the chart, and marks the bar. The line
// is under the chart's box, not in it: a chart wider than a phone scrolls sideways in its
// box, and a line in it would scroll with the chart, its start out of sight.
function showFigure(mark) {
  var title = mark.querySelector(":scope > title");
  var svg = mark.closest("svg");
  var chart = svg && svg.parentNode.closest(".chart, figure.chart");
  if (!title || !chart) {
    return;
  }
  var tip = chart.nextElementSibling;
  if (!tip || !tip.classList.contains("chart-tip")) {
    tip = document.createElement("p");
    tip.className = "chart-tip small";
    tip.setAttribute("role", "status");
    chart.parentNode.insertBefore(tip, chart.nextSibling);
  }
  tip.textContent = title.textContent;
  chart.querySelectorAll(".picked").forEach(function (el) { el.classList.remove("picked"); });
  mark.classList.add("picked");
}
document.addEventListener("click", function (event) {
  var mark = event.target.closest && event.target.closest("svg rect, svg circle, svg path, svg line");
  if (mark) {
    showFigure(mark);
  }
});
document.addEventListener("focusin", function (event) {
  if (event.target.matches && event.target.matches("svg [tabindex]")) {
    showFigure(event.target);
  }
});

// A long page's fold of its sections (data-jump): a link to each titled section of the
// page; following one folds the list again.
function fillJumps() {
  document.querySelectorAll("details[data-jump]").forEach(function (box) {
    var list = box.querySelector("ul");
    list.textContent = "";
    document.querySelectorAll("main section[id] > h2").forEach(function (h2) {
      var item = document.createElement("li");
      var link = document.createElement("a");
      link.href = "#" + h2.parentNode.id;
      link.textContent = h2.textContent.trim();
      item.appendChild(link);
      list.appendChild(item);
    });
  });
}
document.addEventListener("DOMContentLoaded", fillJumps);
document.addEventListener("htmx:afterSettle", fillJumps);
document.addEventListener("click", function (event) {
  var link = event.target.closest && event.target.closest("details[data-jump] a");
  if (link) {
    link.closest("details").open = false;
  }
});

// A moment typed in UTC (a datetime-local field marked data-utc) is shown under its field
// as it falls where the Secretariat sits ("Moscow: Friday, 1 January 2027, 00:30"), as
// the saved page shows it beside the UTC: a time typed in Moscow's hours by mistake shows.
function seatHints(root) {
  var zone = document.body.dataset.seatZone, city = document.body.dataset.seatCity;
  var fmt;
  if (!zone || !city || !window.Intl) {
    return;
  }
  try {
    fmt = new Intl.DateTimeFormat(document.documentElement.lang || "en", {
      timeZone: zone, weekday: "long", day: "numeric", month: "long", year: "numeric",
      hour: "2-digit", minute: "2-digit", hourCycle: "h23" });
  } catch (e) {
    return;  // a zone this browser does not know: no hint rather than a wrong one
  }
  root.querySelectorAll("input[type=datetime-local][data-utc]").forEach(function (input, i) {
    if (input.dataset.seatHint) {
      return;
    }
    var out = document.createElement("output");
    out.className = "small muted seat-hint";
    out.id = input.dataset.seatHint = (input.form && input.form.id || "form") + "-" +
      input.name + "-seat-" + i;
    out.setAttribute("aria-live", "polite");
    input.insertAdjacentElement("afterend", out);
    input.setAttribute("aria-describedby",
                       ((input.getAttribute("aria-describedby") || "") + " " + out.id).trim());
    function show() {
      var m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})/.exec(input.value);
      out.textContent = m ? city + ": " + fmt.format(new Date(Date.UTC(
        +m[1], +m[2] - 1, +m[3], +m[4], +m[5]))) : "";
    }
    input.addEventListener("input", show);
    input.addEventListener("change", show);
    show();
  });
}
document.addEventListener("DOMContentLoaded", function () { seatHints(document); });
document.addEventListener("htmx:afterSettle", function (event) { seatHints(event.target); });
