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
  // The header's search: a combobox listing a few results of each kind as
  // one types (from /api/v1/search); up and down move through them, Enter
  // opens one (or the search page), Escape closes. On phones an icon opens
  // the box. Without script the box is a form to the search page.
  document.querySelectorAll("form[data-search-api]").forEach(function (form) {
    var input = form.querySelector("input[name=q]");
    var popup = form.querySelector(".search-popup");
    var status = form.querySelector("[aria-live]");
    var opener = document.querySelector("[data-search-open]");
    var closer = form.querySelector("[data-search-close]");
    if (!input || !popup) return;
    var timer = null, seq = 0, active = -1, ctrl = null;
    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-expanded", "false");
    input.setAttribute("aria-controls", popup.id);
    popup.setAttribute("role", "listbox");
    popup.setAttribute("aria-label", form.querySelector("label").textContent);
    function options() { return popup.querySelectorAll("[role=option]"); }
    function setActive(i) {
      var opts = options();
      if (active >= 0 && opts[active]) opts[active].classList.remove("active");
      active = i;
      if (i >= 0 && opts[i]) {
        opts[i].classList.add("active");
        opts[i].scrollIntoView({ block: "nearest" });
        input.setAttribute("aria-activedescendant", opts[i].id);
      } else {
        input.removeAttribute("aria-activedescendant");
      }
    }
    function close() {
      popup.hidden = true;
      input.setAttribute("aria-expanded", "false");
      setActive(-1);
    }
    function open() {
      popup.hidden = false;
      input.setAttribute("aria-expanded", "true");
    }
    function el(tag, cls, text) {
      var e = document.createElement(tag);
      if (cls) e.className = cls;
      if (text) e.textContent = text;
      return e;
    }
    function option(href, cls, n) {
      var a = el("a", cls);
      a.href = href;
      a.id = popup.id + "-" + n;
      a.setAttribute("role", "option");
      a.setAttribute("tabindex", "-1");
      return a;
    }
    function show(d) {
      // Keep the marked result marked when fresher results still hold it.
      var was = active >= 0 && options()[active] ? options()[active].getAttribute("href") : null;
      popup.textContent = "";
      active = -1;
      input.removeAttribute("aria-activedescendant");
      var n = 0, found = 0;
      (d.groups || []).forEach(function (g) {
        var group = el("div", "search-popup-group");
        group.setAttribute("role", "group");
        var head = el("div", "search-popup-label", g.label);
        head.id = popup.id + "-g-" + g.kind;
        group.setAttribute("aria-labelledby", head.id);
        group.appendChild(head);
        g.items.forEach(function (it) {
          var a = option(it.url, "search-option", n++);
          a.appendChild(el("span", "search-option-title", it.title));
          if (it.subtitle) a.appendChild(el("span", "search-option-sub", it.subtitle));
          group.appendChild(a);
          found++;
        });
        var more = option(g.more_url, "search-option search-option-more", n++);
        more.textContent = form.getAttribute("data-text-more");
        group.appendChild(more);
        popup.appendChild(group);
      });
      if (found === 0) {
        popup.appendChild(el("p", "search-popup-empty", form.getAttribute("data-text-none")));
      } else {
        var all = option(d.url, "search-option search-option-all", n++);
        all.textContent = form.getAttribute("data-text-all");
        popup.appendChild(all);
      }
      if (status) status.textContent = found ? form.getAttribute("data-text-count").replace("{n}", found) : form.getAttribute("data-text-none");
      popup.setAttribute("data-q", d.q);
      open();
      if (was) {
        var opts = options();
        for (var i = 0; i < opts.length; i++) if (opts[i].getAttribute("href") === was) { setActive(i); break; }
      }
    }
    function run() {
      var v = input.value.trim(), mine = ++seq;
      if (v.length < 2) { close(); popup.textContent = ""; return; }
      if (ctrl) ctrl.abort();
      ctrl = window.AbortController ? new AbortController() : null;
      fetch(form.getAttribute("data-search-api") + "?q=" + encodeURIComponent(v), {
        credentials: "same-origin", headers: { Accept: "application/json" }, signal: ctrl ? ctrl.signal : undefined
      })
        .then(function (r) { return r.ok ? r.json() : null; })
        .then(function (d) { if (d && mine === seq && document.activeElement === input) show(d); })
        .catch(function () {});
    }
    input.addEventListener("input", function () { clearTimeout(timer); timer = setTimeout(run, 200); });
    input.addEventListener("focus", function () { if (popup.childNodes.length && input.value.trim().length >= 2) open(); });
    input.addEventListener("keydown", function (e) {
      var opts = options();
      if (e.key === "ArrowDown" || e.key === "ArrowUp") {
        if (popup.hidden) { if (opts.length) open(); else return; }
        e.preventDefault();
        var next = e.key === "ArrowDown" ? active + 1 : active - 1;
        if (next >= opts.length) next = 0;
        if (next < -1) next = opts.length - 1;
        setActive(next);
      } else if (e.key === "Enter" && !popup.hidden && active >= 0 && opts[active]) {
        e.preventDefault();
        window.location.assign(opts[active].href);
      } else if (e.key === "Escape") {
        if (!popup.hidden) { e.preventDefault(); close(); } else if (form.classList.contains("open")) { fold(); }
      }
    });
    // Enter submits the form where a key event cannot be stopped: a marked
    // result still wins over the search page.
    form.addEventListener("submit", function (e) {
      var o = options()[active];
      if (!popup.hidden && active >= 0 && o) {
        e.preventDefault();
        window.location.assign(o.href);
      }
    });
    // Phones: the icon opens the box over the top bar, the cross folds it.
    function fold() {
      close();
      form.classList.remove("open");
      if (opener) { opener.setAttribute("aria-expanded", "false"); opener.focus(); }
    }
    if (opener) {
      opener.setAttribute("role", "button");
      opener.setAttribute("aria-expanded", "false");
      opener.addEventListener("click", function (e) {
        e.preventDefault();
        form.classList.add("open");
        opener.setAttribute("aria-expanded", "true");
        input.focus();
      });
    }
    if (closer) closer.addEventListener("click", fold);
    document.addEventListener("click", function (e) {
      if (!form.contains(e.target) && e.target !== opener && !(opener && opener.contains(e.target))) {
        close();
        if (form.classList.contains("open") && !input.value.trim()) fold();
      }
    });
  });
  // The device picker of the new-ticket form: matches from the device API
  // as one types (up, down, Enter to pick, Escape to close); the chosen id
  // goes into the hidden device_id. Without script the server finds the
  // device the text names.
  document.querySelectorAll("input[data-device-picker]").forEach(function (input) {
    var form = input.form, popup = document.getElementById(input.id + "-results");
    var idField = form && form.querySelector("input[name=device_id]"), forField = form && form.querySelector("input[name=device_for]");
    if (!popup || !idField || !forField) return;
    var timer = null, seq = 0, active = -1, items = [], pickingEnter = false;
    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-expanded", "false");
    input.setAttribute("aria-controls", popup.id);
    popup.setAttribute("role", "listbox");
    popup.setAttribute("aria-label", form.querySelector("label[for=" + input.id + "]").textContent);
    function opts() { return popup.querySelectorAll("[role=option]"); }
    function mark(i) {
      var o = opts();
      if (active >= 0 && o[active]) o[active].classList.remove("active");
      active = i;
      if (i >= 0 && o[i]) {
        o[i].classList.add("active");
        o[i].scrollIntoView({ block: "nearest" });
        input.setAttribute("aria-activedescendant", o[i].id);
      } else {
        input.removeAttribute("aria-activedescendant");
      }
    }
    function close() { popup.hidden = true; input.setAttribute("aria-expanded", "false"); mark(-1); }
    function pick(i) {
      var d = items[i];
      if (!d) return;
      var label = d.name + " (" + d.serial_number + ")";
      idField.value = String(d.id);
      forField.value = label;
      input.value = label;
      close();
    }
    function show(list) {
      items = list;
      popup.textContent = "";
      active = -1;
      list.forEach(function (d, i) {
        var o = document.createElement("div");
        o.className = "search-option";
        o.id = popup.id + "-" + i;
        o.setAttribute("role", "option");
        var t = document.createElement("span");
        t.className = "search-option-title";
        t.textContent = d.name;
        var s = document.createElement("span");
        s.className = "search-option-sub";
        s.textContent = [d.serial_number, [d.manufacturer, d.model].join(" ").trim(), d.site].filter(Boolean).join(" · ");
        o.appendChild(t);
        o.appendChild(s);
        o.addEventListener("mousedown", function (e) { e.preventDefault(); pick(i); });
        popup.appendChild(o);
      });
      if (!list.length) {
        var p = document.createElement("p");
        p.className = "search-popup-empty";
        p.textContent = input.getAttribute("data-text-none");
        popup.appendChild(p);
      }
      popup.hidden = false;
      input.setAttribute("aria-expanded", "true");
    }
    function run() {
      var v = input.value.trim(), mine = ++seq;
      if (!v) { close(); return; }
      var url = input.getAttribute("data-device-picker") + "?limit=10&q=" + encodeURIComponent(v);
      var cid = input.getAttribute("data-customer-id");
      if (cid) url += "&customer_id=" + encodeURIComponent(cid);
      fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (r) { return r.ok ? r.json() : null; })
        .then(function (d) { if (d && mine === seq && document.activeElement === input) show(d.items || []); })
        .catch(function () {});
    }
    input.addEventListener("input", function () {
      idField.value = "";
      forField.value = "";
      clearTimeout(timer);
      timer = setTimeout(run, 200);
    });
    input.addEventListener("keydown", function (e) {
      var o = opts();
      if (e.key === "ArrowDown" || e.key === "ArrowUp") {
        if (popup.hidden) { if (o.length) { popup.hidden = false; input.setAttribute("aria-expanded", "true"); } else return; }
        e.preventDefault();
        var n = e.key === "ArrowDown" ? active + 1 : active - 1;
        if (n >= o.length) n = 0;
        if (n < -1) n = o.length - 1;
        mark(n);
      } else if (e.key === "Enter" && !popup.hidden && active >= 0) {
        e.preventDefault();
        pickingEnter = true;
        pick(active);
      } else if (e.key === "Escape" && !popup.hidden) {
        e.preventDefault();
        close();
      }
    });
    input.addEventListener("keyup", function (e) { if (e.key === "Enter") pickingEnter = false; });
    input.addEventListener("blur", function () { setTimeout(close, 0); });
    // Enter on a marked match picks it, never submits the ticket (nor does
    // the Enter's character event that some keyboards send after it).
    form.addEventListener("submit", function (e) {
      if (!popup.hidden && active >= 0) { e.preventDefault(); pick(active); } else if (pickingEnter) { e.preventDefault(); }
    });
  });
  // Print a label sheet.
  // Parts of a form that matter for one choice only (the choices of a
  // select data field): shown while the control has that value.
  document.querySelectorAll("[data-show-when]").forEach(function (part) {
    var rule = part.getAttribute("data-show-when").split("="), control = document.getElementById(rule[0]);
    if (!control) return;
    var sync = function () { part.hidden = control.value !== rule[1]; };
    control.addEventListener("change", sync);
    sync();
  });
  // File inputs in the page's language: the chosen files' names beside
  // the button.
  document.querySelectorAll("input[data-file-pick]").forEach(function (input) {
    var names = input.parentNode.querySelector("[data-file-names]");
    if (!names) return;
    var none = names.textContent;
    input.addEventListener("change", function () {
      var list = [];
      for (var i = 0; i < input.files.length; i++) list.push(input.files[i].name);
      names.textContent = list.length ? list.join(", ") : none;
    });
  });
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
