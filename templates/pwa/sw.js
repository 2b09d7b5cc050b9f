// Comptoir's service worker ({{ version }}). It keeps the offline page and the static files
// only: pages (the basket, the checkout, the shops' orders) always come from the network,
// and when the network is gone a page asked for gets the offline page instead.
"use strict";
var CACHE = "comptoir-{{ version }}";
var OFFLINE = {{ offline_url | tojson }};
var PRECACHED = {{ precached | tojson }};

self.addEventListener("install", function (event) {
  event.waitUntil(caches.open(CACHE).then(function (cache) {
    // Fetched without the visitor's cookies: nothing personal to keep, and no response of
    // an anonymous session landing after a sign-in made at the same moment.
    return cache.addAll(PRECACHED.map(function (url) {
      return new Request(url, {credentials: "omit"});
    }));
  }).then(function () { return self.skipWaiting(); }));
});

self.addEventListener("activate", function (event) {
  event.waitUntil(caches.keys().then(function (names) {
    return Promise.all(names.filter(function (name) {
      return name.indexOf("comptoir-") === 0 && name !== CACHE;
    }).map(function (name) { return caches.delete(name); }));
  }).then(function () { return self.clients.claim(); }));
});

self.addEventListener("fetch", function (event) {
  var request = event.request;
  if (request.method !== "GET") { return; }
  var url = new URL(request.url);
  if (url.origin !== self.location.origin) { return; }
  if (request.mode === "navigate") {
    event.respondWith(fetch(request).catch(function () { return caches.match(OFFLINE); }));
  } else if (url.pathname.indexOf("/static/") === 0) {
    // Fingerprinted files (?v=hash): the cached copy is the right one.
    event.respondWith(caches.match(request).then(function (hit) {
      return hit || fetch(request).then(function (response) {
        if (response.ok) {
          var copy = response.clone();
          caches.open(CACHE).then(function (cache) { cache.put(request, copy); });
        }
        return response;
      });
    }));
  }
});

// A Web Push from the outbox: {title, body, url}, shown as a notification; a tap opens
// the order's tracking page.
self.addEventListener("push", function (event) {
  var data = {};
  try { data = event.data ? event.data.json() : {}; } catch (e) { data = {body: event.data.text()}; }
  event.waitUntil(self.registration.showNotification(data.title || "Comptoir", {
    body: data.body || "", icon: {{ icon | tojson }}, data: {url: data.url || "/"}
  }));
});

self.addEventListener("notificationclick", function (event) {
  event.notification.close();
  event.waitUntil(self.clients.openWindow(event.notification.data.url));
});
