// Phalanx pages: what is typed into a form outlives an ended session or a refusal. No
// inline script anywhere: the Content-Security-Policy allows scripts from /static only.

// What someone types into a form is kept in this tab (sessionStorage) until the form is
// accepted, so that nothing is lost when the answer is not the next page: the session
// has ended (the login page, then the form's page again), or the rules refused the form
// (the error page, or the page with the refusal). A form's kept text comes back into its
// empty fields when its page opens again, with a line saying so. Kept per user and per
// form (its action); only text, never a password or a choice (a select's choice is the
// page's to offer); logging out forgets it all.
var DRAFT_PREFIX = "phalanx-draft:";
var DRAFT_TYPES = ["text", "search", "number", "email", "url", "tel", "date",
                   "datetime-local", "time"];
var DRAFT_DAYS = 2;
function draftStore() {
  try {
    return window.sessionStorage;
  } catch (e) {
    return null;  // storage refused (a private mode): nothing kept
  }
}
function draftForm(form) {
  return form && form.tagName === "FORM" && (form.method || "").toLowerCase() === "post" &&
    !form.hasAttribute("data-no-draft") && document.body.dataset.user &&
    form.getAttribute("action");
}
function draftField(field) {
  if (field.disabled || field.readOnly || !field.name || field.name === "csrf_token") {
    return false;
  }
  return field.tagName === "TEXTAREA" ||
    (field.tagName === "INPUT" && DRAFT_TYPES.indexOf(field.type) >= 0);
}
function draftKey(form) {
  return DRAFT_PREFIX + document.body.dataset.user + ":" + form.getAttribute("action") +
    (form.id ? "#" + form.id : "");
}
function keepDraft(form, sent) {
  var store = draftStore();
  if (!store || !draftForm(form)) {
    return;
  }
  var fields = {}, typed = false;
  Array.prototype.forEach.call(form.elements, function (field) {
    if (draftField(field)) {
      fields[field.name] = field.value;
      typed = typed || (field.value !== "" && field.value !== field.defaultValue);
    }
  });
  if (!typed) {
    store.removeItem(draftKey(form));
    return;
  }
  store.setItem(draftKey(form), JSON.stringify({fields: fields, sent: !!sent, at: Date.now()}));
}
function drafts(each) {
  var store = draftStore();
  if (!store) {
    return;
  }
  for (var i = store.length - 1; i >= 0; i--) {
    var key = store.key(i);
    if (key && key.indexOf(DRAFT_PREFIX) === 0) {
      var draft = null;
      try {
        draft = JSON.parse(store.getItem(key));
      } catch (e) {
        draft = null;
      }
      each(key, draft, store);
    }
  }
}
function restoreDrafts(root) {
  var store = draftStore();
  if (!store || !document.body.dataset.user) {
    return;
  }
  root.querySelectorAll("form").forEach(function (form) {
    if (!draftForm(form)) {
      return;
    }
    var draft = null;
    try {
      draft = JSON.parse(store.getItem(draftKey(form)));
    } catch (e) {
      draft = null;
    }
    if (!draft || !draft.fields) {
      return;
    }
    var restored = false;
    Array.prototype.forEach.call(form.elements, function (field) {
      var value = draft.fields[field.name];
      if (draftField(field) && value && field.value === "") {
        field.value = value;
        restored = true;
      }
    });
    if (restored && !form.querySelector(".draft-restored")) {
      var note = document.createElement("p");
      note.className = "notice small draft-restored";
      note.setAttribute("role", "status");
      note.textContent = document.body.dataset.draftRestored || "";
      form.insertBefore(note, form.firstChild);
    }
  });
}
document.addEventListener("input", function (event) {
  if (event.target.form && draftField(event.target)) {
    keepDraft(event.target.form, false);
  }
});
document.addEventListener("submit", function (event) {
  var form = event.target;
  if (form.getAttribute("action") === "/logout") {
    drafts(function (key, draft, store) { store.removeItem(key); });
  } else if (!event.defaultPrevented) {
    keepDraft(form, true);
  }
});
document.addEventListener("DOMContentLoaded", function () {
  // the answer to a form sent: refused (a refusal beside a form, the error page) or a
  // page of no user (the login page of an ended session) keeps its text; any other
  // page accepted it
  var refused = document.querySelector("[data-refusal], [data-form-error]");
  var signedIn = !!document.body.dataset.user;
  var mine = DRAFT_PREFIX + document.body.dataset.user + ":";
  var now = Date.now();
  drafts(function (key, draft, store) {
    if (!draft || now - (draft.at || 0) > DRAFT_DAYS * 86400000 ||
        (signedIn && key.indexOf(mine) !== 0)) {
      store.removeItem(key);  // too old, or another user's (someone else logged in here)
    } else if (draft.sent && (refused || !signedIn)) {
      draft.sent = false;
      store.setItem(key, JSON.stringify(draft));
    } else if (draft.sent && signedIn) {
      store.removeItem(key);
    }
  });
  restoreDrafts(document);
});
document.addEventListener("htmx:afterSettle", function (event) { restoreDrafts(event.target); });
