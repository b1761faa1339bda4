/* Colloque door scanner: camera (native BarcodeDetector first, then the vendored ZXing), a handheld
   scanner typing into a focused field, a full-screen answer with a sound, and nothing that reloads the
   page between scans. Every scan carries a nonce; a retry after a network failure resends the same one,
   so the server counts it once and answers as the first time. With no network the door decides from
   its offline pack and queues the scan (door-offline.js); a service worker keeps the page itself. */
(function () {
  "use strict";

  var root = document.getElementById("scanner");
  if (!root) { return; }
  var data = root.dataset;
  function $(id) { return document.getElementById(id); }

  var form = $("scan-form");
  var input = $("scan-input");
  var listSelect = $("scan-list");
  var overlay = $("scan-result");
  var resultTitle = $("scan-result-title");
  var resultName = $("scan-result-name");
  var resultDetail = $("scan-result-detail");
  var resultDoor = $("scan-result-door");
  var lastScans = $("last-scans");
  var figures = $("scan-figures");
  var searchForm = $("search-form");
  var searchInput = $("search-input");
  var searchResults = $("search-results");
  var cameraButton = $("camera-toggle");
  var soundButton = $("sound-toggle");
  var video = $("camera-video");
  var cameraStatus = $("camera-status");

  var MAX_LAST = 12;
  var SHOW_MS = { ok: 1600, warn: 3500, bad: 4000 };
  var KIND = { ok: "ok", already_redeemed: "warn", unknown: "warn" };
  var GONE_MS = 1500;       // a code must leave the camera this long before it is read again
  var FRAME_MS = 100;       // about ten decodes a second
  var hideTimer = null;
  var pending = 0;

  var plural = new Intl.PluralRules(data.locale || "fr");

  function message(name, values, count) {
    var key = "msg" + name;
    if (count !== undefined && data[key + "One"] !== undefined) {
      key += plural.select(count) === "one" ? "One" : "Other";
      values = Object.assign({ count: count }, values || {});
    }
    var text = data[key] || "";
    Object.keys(values || {}).forEach(function (key) { text = text.split("{" + key + "}").join(values[key]); });
    return text;
  }

  function clock(iso) {
    if (!iso) { return ""; }
    try {
      return new Intl.DateTimeFormat(data.locale, { hour: "2-digit", minute: "2-digit", timeZone: data.timezone })
        .format(new Date(iso));
    } catch (error) {
      return iso.slice(11, 16);
    }
  }

  function headers() {
    var result = { "Content-Type": "application/json", "Accept": "application/json" };
    if (data.token) { result.Authorization = "Bearer " + data.token; } else { result["X-CSRF-Token"] = data.csrf; }
    return result;
  }

  function nonce() {
    var bytes = new Uint8Array(16);
    window.crypto.getRandomValues(bytes);
    return Array.prototype.map.call(bytes, function (b) { return ("0" + b.toString(16)).slice(-2); }).join("");
  }

  function sleep(ms) { return new Promise(function (resolve) { setTimeout(resolve, ms); }); }

  function direction() {
    var checked = form.querySelector("input[name=direction]:checked");
    return checked ? checked.value : "entry";
  }

  /* ---------------------------------------------------------------- sound */
  var audio = null;
  var soundOn = true;
  var TONES = { ok: [[880, 0.12, "sine"], [1320, 0.14, "sine"]], warn: [[660, 0.14, "square"], [660, 0.14, "square"]],
                bad: [[196, 0.5, "sawtooth"]] };

  function beep(kind) {
    if (!soundOn) { return; }
    try {
      var Context = window.AudioContext || window.webkitAudioContext;
      if (!Context) { return; }
      audio = audio || new Context();
      if (audio.state === "suspended") { audio.resume(); }
      var at = audio.currentTime;
      TONES[kind].forEach(function (tone) {
        var oscillator = audio.createOscillator();
        var gain = audio.createGain();
        oscillator.type = tone[2];
        oscillator.frequency.value = tone[0];
        gain.gain.setValueAtTime(0.2, at);
        gain.gain.exponentialRampToValueAtTime(0.001, at + tone[1]);
        oscillator.connect(gain);
        gain.connect(audio.destination);
        oscillator.start(at);
        oscillator.stop(at + tone[1]);
        at += tone[1] + 0.06;
      });
    } catch (error) { /* a silent door still works */ }
  }

  soundButton.addEventListener("click", function () {
    soundOn = !soundOn;
    soundButton.setAttribute("aria-pressed", soundOn ? "true" : "false");
    input.focus();
  });

  /* ---------------------------------------------------------------- answers */
  function listName() {
    var option = listSelect.options[listSelect.selectedIndex];
    return option ? option.textContent : "";
  }

  function title(result) {
    switch (result.status) {
      case "ok": return result.type === "exit" ? message("Exit") : message("Ok");
      case "already_redeemed": return message("Already", { time: clock(result.checked_in_at) });
      case "invalid": return message("Invalid");
      case "unpaid": return message("Unpaid");
      case "cancelled": return message("Cancelled");
      case "product": return message("Product", { list: listName() });
      case "invalid_time": return message("InvalidTime");
      case "throttled": return message("Throttled");
      case "offline": return message("Offline");
      case "unknown": return message("Unknown");
      default: return result.message || message("Error");
    }
  }

  function hide() {
    overlay.hidden = true;
    overlay.className = "scan-result";
  }

  function remember(result, heading) {
    var item = document.createElement("li");
    item.className = "last-" + (KIND[result.status] || "bad");
    var time = document.createElement("time");
    time.textContent = clock(new Date().toISOString());
    item.appendChild(time);
    item.appendChild(document.createTextNode(" " + heading + (result.ticket ? " · " + result.ticket.attendee_name : "")));
    lastScans.insertBefore(item, lastScans.firstChild);
    while (lastScans.children.length > MAX_LAST) { lastScans.removeChild(lastScans.lastChild); }
  }

  /* The answers the attendee agreed to show at the door (diet, accessibility), one per line. */
  function showDoorAnswers(answers) {
    while (resultDoor.firstChild) { resultDoor.removeChild(resultDoor.firstChild); }
    answers.forEach(function (item) {
      var line = document.createElement("li");
      line.textContent = message("DoorAnswer", { question: item.question, answer: item.answer });
      resultDoor.appendChild(line);
    });
    resultDoor.hidden = answers.length === 0;
  }

  function show(result) {
    var kind = KIND[result.status] || "bad";
    var heading = title(result);
    var ticket = result.ticket;
    resultTitle.textContent = heading;
    resultName.textContent = ticket ? ticket.attendee_name : "";
    resultDetail.textContent = ticket ? [ticket.organisation, ticket.ticket_type].filter(Boolean).join(" · ") : "";
    showDoorAnswers(ticket && ticket.door_answers ? ticket.door_answers : []);
    overlay.className = "scan-result scan-" + kind;
    overlay.dataset.status = result.status;
    overlay.hidden = false;
    document.body.dataset.lastStatus = result.status;
    beep(kind);
    remember(result, heading);
    clearTimeout(hideTimer);
    hideTimer = setTimeout(hide, SHOW_MS[kind]);
    if (result.status === "ok") { refreshFigures(); }
  }

  overlay.addEventListener("click", function () { hide(); input.focus(); });

  /* ---------------------------------------------------------------- the server */
  async function post(body) {
    for (var attempt = 0; attempt < 2; attempt += 1) {
      try {
        var response = await fetch(data.checkinUrl, {
          method: "POST", headers: headers(), body: JSON.stringify(body), credentials: "same-origin", cache: "no-store"
        });
        var payload = await response.json().catch(function () { return null; });
        if (response.ok && payload) { return payload; }
        if (response.status === 429) { return { status: "throttled" }; }
        if (response.status >= 500) { await sleep(250 * (attempt + 1)); continue; }
        return { status: "error", message: payload && payload.error ? payload.error.message : "" };
      } catch (error) {
        await sleep(300 * (attempt + 1));
      }
    }
    return { status: "offline" };
  }

  /* Online, the server decides; with no network (or when it stops answering), the offline pack does. */
  async function decide(body) {
    if (offline && body.secret && offline.isOffline()) { return offline.decide(body); }
    var result = await post(body);
    if (offline && result.status === "offline" && body.secret) {
      offline.wentOffline();
      return offline.decide(body);
    }
    if (offline && result.status !== "offline") { offline.seen(body, result); }
    return result;
  }

  async function check(target) {
    var body = { list: Number(listSelect.value), type: direction(), nonce: nonce() };
    if (target.ticket) { body.ticket = target.ticket; } else { body.secret = target.secret; }
    pending += 1;
    root.dataset.pending = String(pending);
    try {
      show(await decide(body));
    } finally {
      pending -= 1;
      root.dataset.pending = String(pending);
    }
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var text = input.value.trim();
    input.value = "";
    input.focus();
    if (text) { check({ secret: text }); }
  });

  /* A handheld scanner types like a keyboard: whatever has the focus, its keys go to the code field. */
  function typingElsewhere(element) {
    return element === searchInput || element === listSelect || (element && element.tagName === "TEXTAREA");
  }

  document.addEventListener("keydown", function (event) {
    var active = document.activeElement;
    if (active === input || typingElsewhere(active) || event.ctrlKey || event.metaKey || event.altKey) { return; }
    if (event.key.length === 1) {
      input.value += event.key;
      event.preventDefault();
    } else if (event.key === "Enter") {
      event.preventDefault();
      form.requestSubmit();
    } else {
      return;
    }
    input.focus();
  }, true);

  /* ---------------------------------------------------------------- figures */
  async function refreshFigures() {
    try {
      var response = await fetch(data.statsUrl, { headers: headers(), credentials: "same-origin", cache: "no-store" });
      if (!response.ok) { return; }
      var payload = await response.json();
      var current = Number(listSelect.value);
      payload.lists.forEach(function (row) {
        if (row.id === current) {
          figures.textContent = message("Figures", { checked_in: message("FiguresCheckedIn", { expected: row.expected }, row.checked_in),
                                                 inside: message("FiguresInside", {}, row.inside) });
        }
      });
    } catch (error) { /* figures come back with the next refresh */ }
  }

  listSelect.addEventListener("change", function () { refreshFigures(); input.focus(); });
  refreshFigures();
  setInterval(refreshFigures, 15000);

  /* ---------------------------------------------------------------- search by name */
  function statusLabel(status) {
    return message(status === "valid" ? "StatusValid" : status === "unpaid" ? "StatusUnpaid" : "StatusCancelled");
  }

  function hit(row) {
    var item = document.createElement("li");
    var text = document.createElement("span");
    text.textContent = row.attendee_name + (row.organisation ? " · " + row.organisation : "") + " · " +
      row.ticket_type + " · " + statusLabel(row.status) + (row.inside ? " · " + message("Inside") : "");
    var button = document.createElement("button");
    button.type = "button";
    button.className = "button";
    button.textContent = message("Checkin");
    button.addEventListener("click", function () { check({ ticket: row.id }); input.focus(); });
    item.appendChild(text);
    item.appendChild(button);
    return item;
  }

  searchForm.addEventListener("submit", async function (event) {
    event.preventDefault();
    var query = searchInput.value.trim();
    searchResults.textContent = "";
    if (query.length < 2) { return; }
    var url = data.searchUrl + "?q=" + encodeURIComponent(query) + "&list=" + encodeURIComponent(listSelect.value);
    try {
      var response = await fetch(url, { headers: headers(), credentials: "same-origin", cache: "no-store" });
      var payload = await response.json();
      if (!payload.tickets || !payload.tickets.length) {
        var none = document.createElement("li");
        none.textContent = message("NoResult");
        searchResults.appendChild(none);
        return;
      }
      payload.tickets.forEach(function (row) { searchResults.appendChild(hit(row)); });
    } catch (error) {
      show({ status: "offline" });
    }
  });

  /* ---------------------------------------------------------------- camera */
  var stream = null;
  var detector = null;
  var reader = null;
  var canvas = document.createElement("canvas");
  var context = canvas.getContext("2d", { willReadFrequently: true });
  var lastText = "";
  var lastSeen = 0;

  async function decodeFrame() {
    if (detector) {
      var codes = await detector.detect(video);
      return codes.length ? codes[0].rawValue : null;
    }
    /* Made on first use, so a ZXing that loads after the camera starts is still used. */
    if (!reader && window.ZXingBrowser) { reader = new window.ZXingBrowser.BrowserQRCodeReader(); }
    if (!reader) { return null; }
    canvas.width = video.videoWidth;
    canvas.height = video.videoHeight;
    context.drawImage(video, 0, 0, canvas.width, canvas.height);
    try {
      return reader.decodeFromCanvas(canvas).getText();
    } catch (error) {
      return null;   // no code in this frame
    }
  }

  var frames = 0;

  async function watch() {
    if (!stream) { return; }
    /* A paused video keeps showing one old frame (perhaps one with no badge in it): play it again. */
    if (video.paused) { video.play().catch(function () { /* tried again on the next frame */ }); }
    if (video.readyState >= 2 && video.videoWidth) {
      frames += 1;
      root.dataset.frames = String(frames);
      var text = null;
      try { text = await decodeFrame(); } catch (error) { text = null; }
      var now = Date.now();
      if (text) {
        var fresh = text !== lastText || now - lastSeen > GONE_MS;
        lastText = text;
        lastSeen = now;
        if (fresh) { check({ secret: text }); }
      }
    }
    setTimeout(watch, FRAME_MS);
  }

  async function chooseDecoder() {
    if ("BarcodeDetector" in window) {
      try {
        var formats = await window.BarcodeDetector.getSupportedFormats();
        if (formats.indexOf("qr_code") >= 0) { detector = new window.BarcodeDetector({ formats: ["qr_code"] }); }
      } catch (error) { detector = null; }
    }
  }

  function stopCamera() {
    if (stream) { stream.getTracks().forEach(function (track) { track.stop(); }); }
    stream = null;
    video.hidden = true;
    video.srcObject = null;
    cameraButton.textContent = message("CameraOff");
    cameraStatus.textContent = "";
    root.dataset.camera = "off";
  }

  async function startCamera() {
    if (!navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) {
      cameraStatus.textContent = message("CameraUnavailable");
      return;
    }
    cameraStatus.textContent = message("CameraStarting");
    try {
      stream = await navigator.mediaDevices.getUserMedia({
        video: { facingMode: "environment", width: { ideal: 1280 }, height: { ideal: 720 } }, audio: false
      });
    } catch (error) {
      stream = null;
      cameraStatus.textContent = message("CameraUnavailable");
      return;
    }
    await chooseDecoder();
    video.srcObject = stream;
    video.hidden = false;
    try { await video.play(); } catch (error) { /* muted inline video plays without a gesture */ }
    cameraButton.textContent = message("CameraOn");
    cameraStatus.textContent = message("CameraReady");
    root.dataset.camera = detector ? "native" : "zxing";
    watch();
  }

  cameraButton.addEventListener("click", function () {
    if (stream) { stopCamera(); } else { startCamera(); }
    input.focus();
  });

  /* ---------------------------------------------------------------- offline */
  var doorStatus = $("door-status");
  var doorPack = $("door-pack");
  var syncedNote = "";
  var offline = null;

  function renderStatus() {
    if (!offline) { return; }
    var state = offline.status();
    var text;
    if (!state.online) {
      text = message("OfflineSince", { time: clock(state.since || new Date().toISOString()) }, state.waiting);
    } else if (state.waiting) {
      text = message("OnlineWaiting", {}, state.waiting);
    } else {
      text = syncedNote || message("Online");
    }
    doorStatus.textContent = text;
    doorStatus.className = "door-status" + (state.online ? "" : " door-offline");
    doorPack.textContent = state.packAt ? message("Pack", { time: clock(state.packAt) }, state.tickets) : message("NoPack");
    root.dataset.online = state.online ? "true" : "false";
    root.dataset.queued = String(state.waiting);
  }

  function synced(results) {
    var ok = 0;
    var conflicts = 0;
    results.forEach(function (result) {
      if (result.status === "ok") { ok += 1; }
      if (result.conflict) {
        conflicts += 1;
        remember({ status: "conflict", ticket: result.ticket }, message("Conflict"));
        lastScans.firstChild.className = "last-conflict";
      }
    });
    syncedNote = message("Synced", { sent: message("SyncedSent", {}, results.length),
                                     admitted: message("SyncedAdmitted", {}, ok),
                                     conflicts: message("SyncedConflicts", {}, conflicts) });
    root.dataset.synced = String(results.length);
    renderStatus();
    refreshFigures();
  }

  if (window.ColloqueDoorOffline && window.indexedDB && window.crypto && window.crypto.subtle) {
    offline = window.ColloqueDoorOffline.create({ data: data, root: root, changed: renderStatus, synced: synced });
    offline.ready.then(renderStatus);
  }
  function workerState() { root.dataset.worker = navigator.serviceWorker.controller ? "active" : "none"; }

  if ("serviceWorker" in navigator && data.workerUrl) {
    navigator.serviceWorker.addEventListener("controllerchange", workerState);
    workerState();
    navigator.serviceWorker.register(data.workerUrl, { scope: data.workerScope }).catch(function (error) {
      root.dataset.worker = "unavailable";   /* the door still works online without it */
      if (window.console) { window.console.warn("door service worker:", error); }
    });
  }

  root.dataset.ready = "true";
  input.focus();
})();
