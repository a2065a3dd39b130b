// The demo's service worker: the page works offline after its first visit.
// The page sends the list of files it loaded and the packs it may load (app.js keepOffline: the
// page, app.js, style.css, packs.js, packs/*.json, huimin/*), which are kept in a cache; the
// same-origin requests after that go to the network first, refreshing the copy, and are answered
// from the copy when the network fails.
const CACHE = 'huimin-demo';

self.addEventListener('install', () => self.skipWaiting());
self.addEventListener('activate', (event) => event.waitUntil(self.clients.claim()));

// A page, whatever its query (?lang=en), is kept under its path.
const key = (request) => {
  const url = new URL(request.url);
  url.search = '';
  return request.mode === 'navigate' ? url.href : request;
};

// {keep: [url, …]} from the page: fetches the files not kept yet (a file the page did not get,
// such as a missing icon, is skipped), then answers "kept", or why not.
self.addEventListener('message', (event) => {
  const urls = event.data && event.data.keep;
  if (!Array.isArray(urls)) return;
  event.waitUntil((async () => {
    const cache = await caches.open(CACHE);
    try {
      for (const url of urls) {
        if (await cache.match(url)) continue;
        const response = await fetch(url);
        if (response.ok) await cache.put(url, response);
      }
      event.ports[0].postMessage('kept');
    } catch (e) {
      event.ports[0].postMessage(`not kept: ${e}`);
    }
  })());
});

self.addEventListener('fetch', (event) => {
  const { request } = event;
  if (request.method !== 'GET' || new URL(request.url).origin !== self.location.origin) return;
  event.respondWith((async () => {
    try {
      const response = await fetch(request);
      if (response.ok) {
        const copy = response.clone();
        event.waitUntil(caches.open(CACHE).then((cache) => cache.put(key(request), copy)));
      }
      return response;
    } catch (e) {
      const kept = await caches.match(key(request), { cacheName: CACHE });
      if (kept) return kept;
      throw e;
    }
  })());
});
