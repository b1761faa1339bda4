/* Colloque door service worker: keeps the scanner page, its scripts, styles and vendored libraries on the
   device, so that the door page opens and works with no network. The route that serves this file puts
   CACHE (named after a digest of the files) and SHELL (their paths) above it.
   Pages are fetched from the network first (a door online always gets the fresh page) and kept; the
   files are served from the cache (a new version of them is a new CACHE). The API is never touched:
   the page keeps its own offline pack and queue in IndexedDB. */
/* global CACHE, SHELL */
"use strict";

self.addEventListener("install", function (event) {
  event.waitUntil(caches.open(CACHE).then(function (cache) { return cache.addAll(SHELL); })
    .then(function () { return self.skipWaiting(); }));
});

/* The door pages already open were loaded before this worker: keep them now, before taking them over. */
function keepOpenPages() {
  return self.clients.matchAll({ type: "window", includeUncontrolled: true }).then(function (windows) {
    return caches.open(CACHE).then(function (cache) {
      return Promise.all(windows.map(function (client) {
        return cache.add(client.url).catch(function () { /* kept on the next visit */ });
      }));
    });
  });
}

self.addEventListener("activate", function (event) {
  event.waitUntil(caches.keys().then(function (keys) {
    return Promise.all(keys.filter(function (key) { return key.indexOf("colloque-door-") === 0 && key !== CACHE; })
      .map(function (key) { return caches.delete(key); }));
  }).then(keepOpenPages).then(function () { return self.clients.claim(); }));
});

function page(request) {
  return fetch(request).then(function (response) {
    if (response.ok) {
      var copy = response.clone();
      caches.open(CACHE).then(function (cache) { cache.put(request, copy); });
    }
    return response;
  }).catch(function () {
    return caches.match(request, { ignoreVary: true }).then(function (hit) {
      return hit || caches.match(request, { ignoreSearch: true, ignoreVary: true }).then(function (any) {
        return any || Response.error();
      });
    });
  });
}

self.addEventListener("fetch", function (event) {
  var request = event.request;
  if (request.method !== "GET") { return; }
  var url = new URL(request.url);
  if (url.origin !== self.location.origin || url.pathname.indexOf("/api/") === 0) { return; }
  if (request.mode === "navigate") {
    event.respondWith(page(request));
    return;
  }
  if (SHELL.indexOf(url.pathname) >= 0) {
    event.respondWith(caches.match(url.pathname).then(function (hit) { return hit || fetch(request); }));
  }
});
