/* Passerelle: the page's side of reading offline. overrides/main.html loads this file only on a page the
   service worker already serves (it then comes from the worker's cache, at no cost), or on the About page.
   - everywhere: a quiet "updated — reload" notice when a newer version of the site is ready, and installing
     the app keeps every page of the reader's language;
   - on About: "Make available offline" (every brief and pilot page of the reader's language, asking first
     when data saver is on), what is kept and the space it uses, and removing it all. */
(function () {
  "use strict";
  var sw = navigator.serviceWorker, tag = document.getElementById("pa-sw");
  if (!sw || !tag) return;
  var lang = document.documentElement.lang || "en", reloading = false;

  function notice(reg) {
    if (document.querySelector(".pa-sw-notice")) return;
    var box = document.createElement("div"), button = document.createElement("button");
    box.className = "pa-sw-notice";
    box.setAttribute("role", "status");
    box.textContent = tag.getAttribute("data-updated") + " ";
    button.type = "button";
    button.textContent = tag.getAttribute("data-reload");
    button.addEventListener("click", function () {
      reloading = true;
      if (reg.waiting) reg.waiting.postMessage({ type: "activate" }); else location.reload();
    });
    box.appendChild(button);
    document.body.appendChild(box);
  }

  function watch(reg, worker) {
    if (!worker) return;
    worker.addEventListener("statechange", function () {
      if (worker.state === "installed" && sw.controller) notice(reg);
    });
  }

  sw.addEventListener("controllerchange", function () { if (reloading) location.reload(); });
  sw.getRegistration().then(function (reg) {
    if (!reg) return;
    if (reg.waiting && sw.controller) notice(reg);
    watch(reg, reg.installing);
    reg.addEventListener("updatefound", function () { watch(reg, reg.installing); });
  });

  /* Installing the app is asking to read offline: keep every page of the language, as "Make available offline"
     does (not under data saver: the About page asks first then). */
  window.addEventListener("appinstalled", function () {
    var connection = navigator.connection;
    if (connection && connection.saveData) return;
    try { localStorage.removeItem("pa-offline-removed"); } catch (e) { /* private mode */ }
    sw.ready.then(function (reg) { reg.active.postMessage({ type: "download", lang: lang }); });
  });

  /* ---------------------------------------------------------------- the About page */

  var box = document.querySelector(".pa-offline-app"), data = document.getElementById("pa-offline-strings");
  if (!box || !data) return;
  var T = JSON.parse(data.textContent), confirmed = false;
  var make = button(T.offline_make, "md-button md-button--primary"), remove = button(T.offline_remove, "md-button");
  var status = document.createElement("span");
  status.className = "pa-offline-status";
  status.setAttribute("role", "status");
  box.appendChild(make);
  box.appendChild(remove);
  box.appendChild(status);

  function button(text, cls) {
    var b = document.createElement("button");
    b.type = "button";
    b.className = cls;
    b.textContent = text;
    return b;
  }
  function fmt(text, values) { return text.replace(/\{(\w+)\}/g, function (_, k) { return values[k]; }); }
  function megabytes(bytes) {
    var n = (bytes / 1e6).toLocaleString(lang, { minimumFractionDigits: 1, maximumFractionDigits: 1 });
    return fmt(T.offline_megabytes, { n: n });
  }
  function show(text) { status.textContent = text; }

  function refresh() {
    return sw.getRegistration().then(function (reg) {
      remove.hidden = !reg;
      if (!reg) return;
      var state = caches.open("passerelle-state").then(function (c) { return c.match(reg.scope + "__state"); })
        .then(function (r) { return r ? r.json() : { full: [] }; });
      var used = navigator.storage && navigator.storage.estimate ? navigator.storage.estimate() : Promise.resolve({});
      return Promise.all([state, used]).then(function (res) {
        var whole = res[0].full.indexOf(lang) >= 0;
        make.hidden = whole;
        show(fmt(whole ? T.offline_saved : T.offline_partial, { size: megabytes(res[1].usage || 0) }));
      });
    });
  }

  function start() {
    try { localStorage.removeItem("pa-offline-removed"); } catch (e) { /* private mode */ }
    sw.register(tag.getAttribute("data-sw")).then(function () { return sw.ready; }).then(function (reg) {
      reg.active.postMessage({ type: "download", lang: lang });
    }).catch(function () { show(T.offline_failed); });
  }

  make.addEventListener("click", function () {
    var connection = navigator.connection;
    if (!connection || !connection.saveData || confirmed) { start(); return; }
    confirmed = true; // data saver: say how much it costs, and go ahead on the second press
    sw.getRegistration().then(function (reg) {
      var root = reg ? reg.scope : new URL(tag.getAttribute("data-sw"), location.href).href.replace(/sw\.js$/, "");
      return fetch(root + "precache/" + lang + "-all.json").then(function (r) { return r.json(); });
    }).then(function (list) {
      var bytes = list.entries.reduce(function (sum, e) { return sum + e[2]; }, 0);
      show(fmt(T.offline_data_saver, { size: megabytes(bytes) }));
    }).catch(function () { show(fmt(T.offline_data_saver, { size: "?" })); });
  });

  remove.addEventListener("click", function () {
    try { localStorage.setItem("pa-offline-removed", "1"); } catch (e) { /* private mode */ }
    sw.getRegistration().then(function (reg) { return reg && reg.unregister(); })
      .then(function () { return caches.keys(); })
      .then(function (keys) {
        return Promise.all(keys.filter(function (k) { return k.indexOf("passerelle-") === 0; })
          .map(function (k) { return caches.delete(k); }));
      })
      .then(function () { remove.hidden = true; make.hidden = false; show(T.offline_removed); });
  });

  sw.addEventListener("message", function (event) {
    var m = event.data || {};
    if (m.lang && m.lang !== lang) return;
    if (m.type === "progress") show(fmt(T.offline_saving, { done: m.done, total: m.total }));
    else if (m.type === "saved") refresh();
    else if (m.type === "failed") show(T.offline_failed);
  });

  if (!window.caches) { make.hidden = remove.hidden = true; show(T.offline_unsupported); } else refresh();
})();
