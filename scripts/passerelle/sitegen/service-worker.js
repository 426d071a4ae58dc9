/* Passerelle's service worker, published as sw.js by sitegen/webapp.py, which fills in the __NAMES__ below.
   Hand-written, no library. One cache per published version: installing fills a new cache from the
   precache lists of the reader's languages, checking every file against its revision, and the old cache is
   deleted only once the new worker takes over, so a page and its files always come from one version. */
"use strict";
const VERSION = __VERSION__;
const LISTS = __LISTS__;
const PREFIXES = __PREFIXES__;
const DEFAULT_LANG = __DEFAULT_LANG__;
const CACHE = "passerelle-v-" + VERSION;
const STATE = "passerelle-state"; // which languages the reader uses, and which they keep whole
const SCOPE = self.registration.scope;
const PARALLEL = 6;
const KEPT = ["script", "style", "image", "manifest", "font"]; // besides pages, what is kept as the reader goes

function langOf(url) {
  const rest = url.startsWith(SCOPE) ? url.slice(SCOPE.length) : "";
  for (const [lang, prefix] of Object.entries(PREFIXES)) if (prefix && rest.startsWith(prefix)) return lang;
  return DEFAULT_LANG;
}

async function readState() {
  const found = await (await caches.open(STATE)).match(SCOPE + "__state");
  return found ? found.json() : { langs: [], full: [] };
}

async function writeState(state) {
  const body = JSON.stringify(state);
  await (await caches.open(STATE)).put(SCOPE + "__state", new Response(body, { headers: { "content-type": "application/json" } }));
}

async function list(lang, all) {
  const response = await fetch(SCOPE + LISTS + lang + (all ? "-all" : "") + ".json?v=" + VERSION, { cache: "no-cache" });
  if (!response.ok) throw new Error("precache list: " + response.status);
  const data = await response.json();
  if (data.version !== VERSION) throw new Error("another version was published"); // the newer worker installs instead
  return data.entries; // [address, revision, bytes]
}

async function revision(buffer) {
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", buffer));
  return Array.from(digest.slice(0, 8), (b) => b.toString(16).padStart(2, "0")).join("");
}

async function fetchChecked(address, expected) {
  const response = await fetch(SCOPE + address, { cache: "no-cache" });
  if (!response.ok) throw new Error(address + ": " + response.status);
  const body = await response.arrayBuffer();
  if (expected && (await revision(body)) !== expected) throw new Error(address + ": another version was published");
  const type = response.headers.get("content-type");
  return new Response(body, { status: 200, headers: type ? { "content-type": type } : {} });
}

async function previousCopy(address, expected) {
  /* The same file kept by an earlier version (same revision): an update downloads only what changed. */
  for (const name of await caches.keys()) {
    if (!name.startsWith("passerelle-v-") || name === CACHE) continue;
    const found = await (await caches.open(name)).match(SCOPE + address);
    if (!found) continue;
    const body = await found.arrayBuffer();
    if ((await revision(body)) === expected) return new Response(body, { status: 200, headers: found.headers });
  }
  return null;
}

async function store(cache, entries, progress) {
  let next = 0;
  let done = 0;
  async function worker() {
    while (next < entries.length) {
      const [address, expected] = entries[next++];
      if (!(await cache.match(SCOPE + address))) {
        await cache.put(SCOPE + address, (await previousCopy(address, expected)) || (await fetchChecked(address, expected)));
      }
      done += 1;
      if (progress) progress(done, entries.length);
    }
  }
  await Promise.all(Array.from({ length: PARALLEL }, worker));
}

async function keepOpened(cache) {
  /* Pages the reader opened under the previous version, fetched again in this one (gone ones are dropped).
     Addresses with ?v= belong to one version: the new lists name the new ones. */
  for (const name of await caches.keys()) {
    if (!name.startsWith("passerelle-v-") || name === CACHE) continue;
    for (const request of await (await caches.open(name)).keys()) {
      if (!request.url.startsWith(SCOPE) || request.url.includes("?") || (await cache.match(request.url))) continue;
      const response = await fetch(request.url, { cache: "no-cache" });
      if (response.ok && !response.redirected) await cache.put(request.url, response);
    }
  }
}

async function install() {
  const state = await readState();
  const windows = await self.clients.matchAll({ type: "window", includeUncontrolled: true });
  const langs = [...new Set([...state.langs, ...windows.map((w) => langOf(w.url))])];
  if (!langs.length) langs.push(DEFAULT_LANG);
  const saveData = self.navigator.connection && self.navigator.connection.saveData;
  const cache = await caches.open(CACHE);
  try {
    for (const lang of langs) {
      const first = await list(lang, false);
      const whole = state.full.includes(lang);
      // with data saver on, the first visit keeps the shell and the offline page, not the landing pages' briefs
      await store(cache, saveData && !whole ? first.filter(([a]) => !a.endsWith("/") || a.endsWith("offline/")) : first);
      if (whole) await store(cache, await list(lang, true));
    }
    await keepOpened(cache);
  } catch (error) {
    await caches.delete(CACHE); // nothing half-made stays: the browser tries again on a later visit
    throw error;
  }
  await writeState({ langs, full: state.full });
}

self.addEventListener("install", (event) => event.waitUntil(install()));

self.addEventListener("activate", (event) => event.waitUntil((async () => {
  for (const name of await caches.keys()) {
    if (name.startsWith("passerelle-v-") && name !== CACHE) await caches.delete(name);
  }
  await self.clients.claim();
})()));

async function respond(event, url) {
  const request = event.request;
  const page = request.mode === "navigate";
  const key = page ? (url.origin + url.pathname).replace(/index\.html$/, "") : url.href;
  const cache = await caches.open(CACHE);
  const hit = await cache.match(key);
  if (hit) return hit;
  let response;
  try {
    response = await fetch(request);
  } catch (error) {
    const offline = page && (await cache.match(SCOPE + PREFIXES[langOf(url.href)] + "offline/"));
    if (offline) return offline;
    throw error;
  }
  if (response.ok && !response.redirected && response.type === "basic" && (page || KEPT.includes(request.destination))) {
    event.waitUntil(cache.put(key, response.clone())); // every page the reader opens stays readable offline
  }
  return response;
}

self.addEventListener("fetch", (event) => {
  if (event.request.method !== "GET" || !event.request.url.startsWith(SCOPE)) return;
  const url = new URL(event.request.url);
  url.hash = "";
  const rest = url.href.slice(SCOPE.length);
  if (rest.startsWith("sw.js") || rest.startsWith(LISTS)) return;
  event.respondWith(respond(event, url));
});

async function download(lang, client) {
  /* "Make available offline": every brief and pilot page of the language, and its full-text search. */
  const tell = (message) => client && client.postMessage(message);
  try {
    const cache = await caches.open(CACHE);
    const entries = [...(await list(lang, false)), ...(await list(lang, true))];
    await store(cache, entries, (done, total) => (done % 10 === 0 || done === total) && tell({ type: "progress", done, total }));
    const state = await readState();
    for (const key of ["langs", "full"]) if (!state[key].includes(lang)) state[key].push(lang);
    await writeState(state);
    tell({ type: "saved", lang });
  } catch (error) {
    tell({ type: "failed", lang, reason: String(error) });
    if (/another version/.test(String(error))) self.registration.update();
  }
}

self.addEventListener("message", (event) => {
  const message = event.data || {};
  if (message.type === "activate") self.skipWaiting(); // the reader pressed "Reload" on the update notice
  else if (message.type === "download") event.waitUntil(download(message.lang, event.source));
});
