/* Colloque door, offline: the event's offline pack, the local decision, and the queue of scans.

   The pack (GET …/checkin/offline) lists every ticket by the SHA-256 of its secret; it is kept in
   IndexedDB with the badges this door let in and the scans waiting to be sent, so a reload with no network
   still decides. Offline, a badge is admitted only when its Ed25519 signature verifies with the event's
   key (WebCrypto where the browser has Ed25519, else the vendored @noble/ed25519) and the pack holds it
   as valid; a signed badge missing from the pack was sold after it and is "unknown, checked when back
   online". Every scan is queued with its nonce and time, except a repeat this door refused itself; back
   online the queue goes in one batch (POST …/checkin/batch), and the server's answers are shown.
   The README ("The door: badges any scanner can verify") describes the secret and the pack. */
(function () {
  "use strict";

  var DB_NAME = "colloque-door";
  var BATCH_MAX = 5000;
  var PACK_EVERY_MS = 60000;
  var CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

  function request(operation) {
    return new Promise(function (resolve, reject) {
      operation.onsuccess = function () { resolve(operation.result); };
      operation.onerror = function () { reject(operation.error); };
    });
  }

  function openDatabase() {
    var opening = indexedDB.open(DB_NAME, 1);
    opening.onupgradeneeded = function () {
      var db = opening.result;
      db.createObjectStore("packs");
      db.createObjectStore("admitted");
      db.createObjectStore("queue", { keyPath: "nonce" }).createIndex("slug", "slug");
    };
    return request(opening);
  }

  function store(db, name, mode) { return db.transaction(name, mode || "readonly").objectStore(name); }

  function fromBase64url(text) {
    if (!/^[A-Za-z0-9_-]*$/.test(text)) { return null; }
    var padded = text.replace(/-/g, "+").replace(/_/g, "/") + "===".slice((text.length + 3) % 4);
    try {
      var binary = atob(padded);
      var bytes = new Uint8Array(binary.length);
      for (var i = 0; i < binary.length; i += 1) { bytes[i] = binary.charCodeAt(i); }
      return bytes;
    } catch (error) { return null; }
  }

  function toBase64url(bytes) {
    var binary = "";
    for (var i = 0; i < bytes.length; i += 1) { binary += String.fromCharCode(bytes[i]); }
    return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  }

  async function sha256(text) {
    return new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text)));
  }

  /* A typed short code as printed (README): case, spaces and the dash do not matter, O is 0, I and L are 1. */
  function shortCode(text) {
    var cleaned = text.trim().toUpperCase().replace(/[-\s]/g, "").replace(/O/g, "0").replace(/[IL]/g, "1");
    if (cleaned.length !== 10) { return null; }
    for (var i = 0; i < cleaned.length; i += 1) { if (CROCKFORD.indexOf(cleaned[i]) < 0) { return null; } }
    return cleaned.slice(0, 5) + "-" + cleaned.slice(5);
  }

  function create(options) {
    var data = options.data;
    var slug = data.slug;
    var db = null;
    var pack = null;
    var byShort = {};
    var byId = {};
    var verifier = null;
    var online = navigator.onLine;
    var syncing = false;
    var waiting = 0;
    var sinceKey = "colloque-door-offline-since:" + slug;

    function headers() {
      var result = { "Content-Type": "application/json", "Accept": "application/json" };
      if (data.token) { result.Authorization = "Bearer " + data.token; } else { result["X-CSRF-Token"] = data.csrf; }
      return result;
    }

    function usePack(found) {
      pack = found;
      byShort = {};
      byId = {};
      Object.keys(found.tickets).forEach(function (key) {
        var entry = found.tickets[key];
        byShort[entry.short_code] = entry;
        byId[entry.ticket_id] = entry;
      });
      verifier = null;
      options.changed();
    }

    async function countWaiting() {
      if (!db) { return 0; }
      waiting = await request(store(db, "queue").index("slug").count(slug));
      options.changed();
      return waiting;
    }

    function markOffline() {
      online = false;
      if (!localStorage.getItem(sinceKey)) { localStorage.setItem(sinceKey, new Date().toISOString()); }
      options.changed();
    }

    function markOnline() {
      online = true;
      localStorage.removeItem(sinceKey);
      options.changed();
    }

    async function refreshPack() {
      try {
        var response = await fetch(data.offlineUrl, { headers: headers(), credentials: "same-origin", cache: "no-store" });
        if (!response.ok) { return; }
        var found = await response.json();
        markOnline();
        if (db) { await request(store(db, "packs", "readwrite").put(found, slug)); }
        usePack(found);
      } catch (error) {
        markOffline();
      }
    }

    /* ------------------------------------------------------------ signatures */
    async function makeVerifier() {
      var key = fromBase64url(pack.public_key);
      try {
        var imported = await crypto.subtle.importKey("raw", key, { name: "Ed25519" }, false, ["verify"]);
        root.dataset.verifier = "webcrypto";
        return function (signature, payload) { return crypto.subtle.verify({ name: "Ed25519" }, imported, signature, payload); };
      } catch (error) {
        var noble = await import(data.nobleUrl);
        root.dataset.verifier = "noble";
        return function (signature, payload) { return noble.verifyAsync(signature, payload, key); };
      }
    }

    /* The layout of a secret: version 1, event id (4 bytes, big-endian), 16 random bytes, then the signature. */
    async function genuine(secret) {
      var raw = fromBase64url(secret);
      if (!raw || raw.length !== 85 || toBase64url(raw) !== secret || raw[0] !== 1) { return false; }
      var eventId = ((raw[1] << 24) >>> 0) + (raw[2] << 16) + (raw[3] << 8) + raw[4];
      if (eventId !== pack.event_id) { return false; }
      verifier = verifier || await makeVerifier();
      try { return await verifier(raw.slice(21), raw.slice(0, 21)); } catch (error) { return false; }
    }

    /* ------------------------------------------------------------ the local decision */
    function listOf(id) {
      var found = null;
      pack.lists.forEach(function (item) { if (item.id === id || (!found && item.is_main && !id)) { found = item; } });
      return found || pack.lists.filter(function (item) { return item.is_main; })[0] || pack.lists[0];
    }

    function shown(entry) {
      var type = pack.ticket_types[String(entry.ticket_type)] || { name: "", badge_colour: "" };
      return { id: entry.ticket_id, attendee_name: entry.name || "", organisation: entry.organisation || "",
               ticket_type: type.name, ticket_type_id: entry.ticket_type, badge_colour: type.badge_colour,
               door_answers: entry.door_answers || [] };
    }

    function day(iso) {
      return new Intl.DateTimeFormat("en-CA", { timeZone: data.timezone, year: "numeric", month: "2-digit", day: "2-digit" })
        .format(new Date(iso));
    }

    async function admittedAt(list, entry) {
      var mine = await request(store(db, "admitted").get(slug + ":" + list.id + ":" + entry.ticket_id));
      if (mine) { return mine.inside ? mine.at : null; }
      return entry.inside.indexOf(list.id) >= 0 ? pack.generated_at : null;
    }

    function refusal(entry, list, now) {
      if (entry.status !== "valid") { return entry.status; }
      if (list.ticket_types.length && list.ticket_types.indexOf(entry.ticket_type) < 0) { return "product"; }
      if (list.session && pack.sessions) {
        var session = pack.sessions[String(list.session)];
        if (session && session.booking && entry.sessions.indexOf(list.session) < 0) { return "product"; }
        if (session && (now < new Date(session.opens_at) || now >= new Date(session.ends_at))) { return "invalid_time"; }
      }
      if ((list.valid_from && now < new Date(list.valid_from)) || (list.valid_until && now >= new Date(list.valid_until))) {
        return "invalid_time";
      }
      return null;
    }

    async function find(scan) {
      var typed = shortCode(scan.secret);
      if (typed) { return { entry: byShort[typed] || null, checked: true }; }
      if (!(await genuine(scan.secret))) { return { entry: null, checked: true }; }
      return { entry: pack.tickets[toBase64url(await sha256(scan.secret))] || null, checked: false };
    }

    async function decide(scan) {
      if (!pack || !db) { return { status: "offline" }; }
      var now = new Date();
      var at = now.toISOString();
      var list = listOf(scan.list);
      var base = { type: scan.type, list: list.id, offline: true };
      var found = await find(scan);
      if (!found.entry) {
        var status = found.checked ? "invalid" : "unknown";
        await enqueue(scan, at);
        return Object.assign(base, { status: status, ticket: null, checked_in_at: null });
      }
      var entry = found.entry;
      var answer = Object.assign(base, { ticket: shown(entry), checked_in_at: null });
      var refused = refusal(entry, list, now);
      if (refused) {
        await enqueue(scan, at);
        return Object.assign(answer, { status: refused });
      }
      var key = slug + ":" + list.id + ":" + entry.ticket_id;
      if (scan.type === "exit") {
        await request(store(db, "admitted", "readwrite").put({ inside: false, at: at }, key));
        await enqueue(scan, at);
        return Object.assign(answer, { status: "ok", checked_in_at: at });
      }
      var earlier = await admittedAt(list, entry);
      var again = earlier && (!list.once_per_day || day(earlier) === day(at));
      if (again && !list.allow_multiple_entries) {
        return Object.assign(answer, { status: "already_redeemed", checked_in_at: earlier });
      }
      await request(store(db, "admitted", "readwrite").put({ inside: true, at: at }, key));
      await enqueue(scan, at);
      return Object.assign(answer, { status: "ok", checked_in_at: at });
    }

    /* What the server answered online is what this door knows when the network goes. */
    async function seen(scan, result) {
      if (!db || !result.ticket || (result.status !== "ok" && result.status !== "already_redeemed")) { return; }
      var key = slug + ":" + result.list + ":" + result.ticket.id;
      var inside = !(result.status === "ok" && result.type === "exit");
      await request(store(db, "admitted", "readwrite").put({ inside: inside, at: result.checked_in_at }, key));
    }

    /* ------------------------------------------------------------ the queue */
    async function enqueue(scan, at) {
      var item = { nonce: scan.nonce, slug: slug, secret: scan.secret, list: scan.list, type: scan.type, scanned_at: at };
      await request(store(db, "queue", "readwrite").put(item));
      await countWaiting();
    }

    async function sync() {
      if (syncing || !db) { return; }
      var items = await request(store(db, "queue").index("slug").getAll(slug));
      if (!items.length) { return; }
      syncing = true;
      try {
        items = items.slice(0, BATCH_MAX);
        var scans = items.map(function (item) {
          return { secret: item.secret, list: item.list, type: item.type, nonce: item.nonce, scanned_at: item.scanned_at };
        });
        var response = await fetch(data.batchUrl, { method: "POST", headers: headers(), credentials: "same-origin",
                                                    cache: "no-store", body: JSON.stringify({ scans: scans }) });
        if (!response.ok) { return; }
        var payload = await response.json();
        markOnline();
        var queue = store(db, "queue", "readwrite");
        items.forEach(function (item) { queue.delete(item.nonce); });
        await new Promise(function (resolve) { queue.transaction.oncomplete = resolve; queue.transaction.onerror = resolve; });
        await countWaiting();
        options.synced(payload.results);
      } catch (error) {
        markOffline();
      } finally {
        syncing = false;
      }
    }

    /* ------------------------------------------------------------ start */
    var root = options.root;

    async function start() {
      try {
        db = await openDatabase();
        var kept = await request(store(db, "packs").get(slug));
        if (kept) { usePack(kept); }
        await countWaiting();
      } catch (error) { db = null; }
      if (online) { await refreshPack(); await sync(); } else { markOffline(); }
      root.dataset.offlineReady = pack ? "true" : "false";
      setInterval(function () { if (navigator.onLine) { refreshPack().then(sync); } }, PACK_EVERY_MS);
    }

    window.addEventListener("offline", markOffline);
    window.addEventListener("online", function () { markOnline(); sync().then(refreshPack); });

    return {
      ready: start(),
      decide: decide,
      seen: seen,
      sync: sync,
      wentOffline: markOffline,
      cameBack: markOnline,
      isOffline: function () { return !online || !navigator.onLine; },
      status: function () {
        return { online: online && navigator.onLine, since: localStorage.getItem(sinceKey), waiting: waiting,
                 packAt: pack ? pack.generated_at : null, tickets: pack ? Object.keys(pack.tickets).length : 0 };
      }
    };
  }

  window.ColloqueDoorOffline = { create: create, shortCode: shortCode };
})();
