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
