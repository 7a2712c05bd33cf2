// Small enhancements; every page works without them.
(function () {
  "use strict";
  document.documentElement.classList.add("js");
  // Show and hide a list's filters on phones.
  document.querySelectorAll("[data-filter-toggle]").forEach(function (b) {
    var form = document.getElementById(b.getAttribute("data-filter-toggle"));
    if (!form) return;
    b.addEventListener("click", function () {
      var open = form.classList.toggle("open");
      b.setAttribute("aria-expanded", open ? "true" : "false");
    });
  });
  // Close open menus when clicking elsewhere or pressing Escape.
  document.addEventListener("click", function (e) {
    document.querySelectorAll("details.user-menu[open], details.nav-drawer[open]").forEach(function (d) {
      if (!d.contains(e.target)) d.removeAttribute("open");
    });
  });
  document.addEventListener("keydown", function (e) {
    if (e.key !== "Escape") return;
    document.querySelectorAll("details.user-menu[open], details.nav-drawer[open]").forEach(function (d) {
      d.removeAttribute("open");
    });
  });
  // Select a freshly created token on focus, ready to copy.
  var token = document.getElementById("new-token");
  if (token) {
    token.addEventListener("focus", function () { token.select(); });
  }
  // Ask before destructive actions.
  document.addEventListener("submit", function (e) {
    var q = e.target.getAttribute && e.target.getAttribute("data-confirm");
    if (q && !window.confirm(q)) e.preventDefault();
  });
  // Tell staff while typing whether an email is taken, and which customer
  // its domain belongs to.
  document.querySelectorAll("input[data-email-check]").forEach(function (input) {
    var out = document.getElementById(input.getAttribute("data-email-check"));
    if (!out) return;
    var timer = null, seq = 0;
    function check() {
      var v = input.value.trim(), mine = ++seq;
      if (v.indexOf("@") < 1) { out.textContent = ""; out.className = "field-hint"; return; }
      fetch("/api/v1/email-check?email=" + encodeURIComponent(v), { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (r) { return r.ok ? r.json() : null; })
        .then(function (d) {
          if (!d || mine !== seq) return;
          out.textContent = "";
          out.className = "field-hint";
          if (d.taken) {
            out.className = "field-error";
            out.textContent = input.getAttribute("data-taken-text");
          } else if (d.customer && String(d.customer.id) !== input.getAttribute("data-customer-id")) {
            out.appendChild(document.createTextNode(input.getAttribute("data-propose-text").replace("{name}", d.customer.name) + " "));
            var a = document.createElement("a");
            a.href = "/customers/" + d.customer.id + "/invitations/new?email=" + encodeURIComponent(v);
            a.textContent = input.getAttribute("data-propose-link");
            out.appendChild(a);
          } else if (d.valid) {
            out.textContent = input.getAttribute("data-free-text");
          }
        })
        .catch(function () {});
    }
    input.addEventListener("input", function () { clearTimeout(timer); timer = setTimeout(check, 250); });
    if (input.value) check();
  });
  // Print a label sheet.
  document.querySelectorAll("[data-print]").forEach(function (b) {
    b.addEventListener("click", function () { window.print(); });
  });
  // A header checkbox selects every row of its table.
  document.querySelectorAll("input[data-select-all]").forEach(function (all) {
    var name = all.getAttribute("data-select-all");
    var table = all.closest("table");
    all.addEventListener("change", function () {
      table.querySelectorAll("input[type=checkbox][name='" + name + "']").forEach(function (c) { c.checked = all.checked; });
    });
  });
})();
