// Programme page: when the visitor's time zone differs from the event's, show each session's times in
// theirs too. Progressive enhancement: without this script the page shows the event's times only.
(function () {
  "use strict";

  function visitorZone() {
    try {
      return Intl.DateTimeFormat().resolvedOptions().timeZone || "";
    } catch (error) {
      return "";
    }
  }

  function show(root) {
    var eventZone = root.getAttribute("data-event-timezone");
    var zone = visitorZone();
    if (!zone || !eventZone || zone === eventZone) return;
    var lang = document.documentElement.lang || undefined;
    var first = new Intl.DateTimeFormat(lang, { weekday: "short", hour: "2-digit", minute: "2-digit" });
    var last = new Intl.DateTimeFormat(lang, { hour: "2-digit", minute: "2-digit", timeZoneName: "short" });
    var label = root.getAttribute("data-your-time") || "";
    root.querySelectorAll("[data-local-time]").forEach(function (slot) {
      var start = new Date(slot.getAttribute("data-start"));
      var end = new Date(slot.getAttribute("data-end"));
      if (isNaN(start) || isNaN(end)) return;
      slot.textContent = label + " " + first.format(start) + " – " + last.format(end);
      slot.hidden = false;
    });
  }

  function run() {
    document.querySelectorAll("[data-event-timezone]").forEach(show);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", run);
  } else {
    run();
  }
})();
