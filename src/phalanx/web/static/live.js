// Phalanx pages: the parts of a page that live events replace (hx-trigger="sse:…"). No
// inline script anywhere: the Content-Security-Policy allows scripts from /static only.

// The keyboard's focus is where the person is on the page (a screen reader reads from
// there): a live update of the part of the page around it does not lose it to the
// page's start. The element it was on is found again in the new content (by its id, or
// as the same link, or the same button of the same form) and focused; when it is gone,
// the focus stays on the updated part itself.
function focusKey(el) {
  if (el.id) {
    return "#" + el.id;
  }
  var form = el.form ? el.form.getAttribute("action") || "" : "";
  return [el.tagName, el.getAttribute("href") || "", form, el.name || "", el.value || "",
          el.textContent.replace(/\s+/g, " ").trim()].join("|");
}
function focusRegion(region) {
  if (!region) {
    return;
  }
  if (!region.hasAttribute("tabindex")) {
    region.setAttribute("tabindex", "-1");
  }
  region.focus({preventScroll: true});
}
document.addEventListener("htmx:beforeSwap", function (event) {
  var target = event.detail.target, active = document.activeElement;
  if (target && active && active !== target && active !== document.body &&
      target.contains(active)) {
    target._focusKey = focusKey(active);
  }
});
// (at the swap itself, not at the settling a moment later: in between nothing would hold
// the focus)
document.addEventListener("htmx:afterSwap", function (event) {
  var target = event.detail.target || event.target;
  var key = target && target._focusKey;
  if (!key) {
    return;
  }
  target._focusKey = null;
  var active = document.activeElement;
  if (active && active !== document.body && target.contains(active)) {
    return;  // htmx kept it (an element with an id)
  }
  var found = Array.prototype.find.call(
    target.querySelectorAll("a[href], button, input, select, textarea, summary, [tabindex]"),
    function (el) { return focusKey(el) === key; });
  if (found) {
    found.focus({preventScroll: true});
  } else {
    focusRegion(target);
  }
});

// A part of a page that live events replace (hx-trigger="sse:…") and that holds forms,
// marked data-live-hold="<id of its notice>", is not replaced while someone is filling
// in one of its forms: a refusal is shown beside a form, a field was changed, or a field
// is in use (on a phone: the keyboard is open). The notice says the record has changed,
// and its button updates the part when the person chooses to (what was typed then goes).
function fieldChanged(field) {
  var type = field.type;
  if (type === "hidden" || type === "submit" || type === "button" || type === "reset") {
    return false;
  }
  if (type === "checkbox" || type === "radio") {
    return field.checked !== field.defaultChecked;
  }
  if (field.tagName === "SELECT") {
    var options = Array.prototype.slice.call(field.options);
    if (field.multiple || field.size > 1) {
      return options.some(function (o) { return o.selected !== o.defaultSelected; });
    }
    var initial = -1;
    options.forEach(function (o, i) { if (o.defaultSelected) { initial = i; } });
    if (initial < 0) {  // none marked selected: the browser shows the first it may
      initial = options.findIndex(function (o) { return !o.disabled; });
    }
    return field.selectedIndex !== initial;
  }
  return "defaultValue" in field && field.value !== field.defaultValue;
}
function fillingIn(region) {
  if (region.querySelector("[data-refusal]")) {
    return true;
  }
  var active = document.activeElement;
  if (active && active.form && region.contains(active) &&
      ["INPUT", "TEXTAREA", "SELECT"].indexOf(active.tagName) >= 0 &&
      ["hidden", "submit", "button", "reset"].indexOf(active.type) < 0) {
    return true;
  }
  return Array.prototype.some.call(region.querySelectorAll("form"), function (form) {
    return Array.prototype.some.call(form.elements, fieldChanged);
  });
}
document.addEventListener("htmx:confirm", function (event) {
  var region = event.detail.elt;
  var noticeId = region && region.getAttribute && region.getAttribute("data-live-hold");
  var trigger = event.detail.triggeringEvent;
  if (!noticeId || !trigger || trigger.type.indexOf("sse:") !== 0 || !fillingIn(region)) {
    return;
  }
  event.preventDefault();
  var notice = document.getElementById(noticeId);
  if (!notice) {
    return;
  }
  notice._update = event.detail.issueRequest;  // the latest change, when asked for
  notice._region = region;
  if (notice.firstChild) {
    return;  // already said
  }
  var text = document.createElement("p");
  text.className = "notice";
  text.appendChild(document.createTextNode(notice.getAttribute("data-message") + " "));
  var button = document.createElement("button");
  button.type = "button";
  button.className = "secondary";
  button.textContent = notice.getAttribute("data-action");
  button.addEventListener("click", function () {
    var update = notice._update;
    // the button goes with its notice: the focus moves first to the part it updates,
    // where the person reads on (not to the page's start)
    focusRegion(notice._region);
    notice.textContent = "";
    notice._update = null;
    if (update) {
      update(true);  // skips this check: the person asked for it
    }
  });
  text.appendChild(button);
  notice.appendChild(text);
});

// A list that live events replace, marked data-news="<id of a status>", is no live region
// itself (a screen reader would read it all aloud at each update): the status says what
// changed, the items that came (each one's kind and title) and how many went. An item is
// known by its link. The status's texts come from the page (data-new-*, data-gone-*, by
// the language's plural rule; "#" is the number).
function listItems(region) {
  var items = {};
  region.querySelectorAll("li").forEach(function (li) {
    var link = li.querySelector("a[href]");
    if (link) {
      var what = li.querySelector(".what");
      items[link.getAttribute("href")] = (what ? what.textContent.trim() + ": " : "") +
        link.textContent.replace(/\s+/g, " ").trim();
    }
  });
  return items;
}
function counted(status, kind, n) {
  var form = new Intl.PluralRules(document.documentElement.lang || "en").select(n);
  var text = status.getAttribute("data-" + kind + "-" + form) ||
    status.getAttribute("data-" + kind + "-many");
  return text.replace("#", String(n));
}
document.addEventListener("htmx:beforeSwap", function (event) {
  var target = event.detail.target;
  if (target && target.getAttribute && target.getAttribute("data-news")) {
    target._itemsBefore = listItems(target);
  }
});
// (said at the swap itself, in the same task that put the items in: at htmx's settling,
// some twenty milliseconds on, the list would already show items the status did not say)
document.addEventListener("htmx:afterSwap", function (event) {
  var target = event.detail.target || event.target;
  var before = target && target._itemsBefore;
  var status = before && document.getElementById(target.getAttribute("data-news"));
  if (!status) {
    return;
  }
  target._itemsBefore = null;
  var after = listItems(target);
  var came = Object.keys(after).filter(function (k) { return !(k in before); });
  var went = Object.keys(before).filter(function (k) { return !(k in after); });
  var said = [];
  if (came.length) {
    said.push(counted(status, "new", came.length) + " " +
              came.map(function (k) { return after[k]; }).join("; ") + ".");
  }
  if (went.length) {
    said.push(counted(status, "gone", went.length));
  }
  if (said.length) {
    status.textContent = said.join(" ");
  }
});
