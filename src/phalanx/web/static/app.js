// Phalanx pages: send the session's CSRF token with every htmx request.
document.addEventListener("htmx:configRequest", function (event) {
  var token = document.body.dataset.csrf;
  if (token) {
    event.detail.headers["X-CSRF-Token"] = token;
  }
});
