// Small enhancements; every page works without them.
(function () {
  "use strict";
  // Close open menus when clicking elsewhere or pressing Escape.
  document.addEventListener("click", function (e) {
    document.querySelectorAll("details.user-menu[open]").forEach(function (d) {
      if (!d.contains(e.target)) d.removeAttribute("open");
    });
  });
  document.addEventListener("keydown", function (e) {
    if (e.key !== "Escape") return;
    document.querySelectorAll("details.user-menu[open]").forEach(function (d) {
      d.removeAttribute("open");
    });
  });
  // Select a freshly created token on focus, ready to copy.
  var token = document.getElementById("new-token");
  if (token) {
    token.addEventListener("focus", function () { token.select(); });
  }
})();
