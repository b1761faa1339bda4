/* Live check-in figures on the organiser's check-in page: the server draws the bars, this keeps them
   current by asking the stats API every five seconds (same session, read-only). */
(function () {
  "use strict";
  var root = document.getElementById("checkin-figures");
  if (!root) { return; }
  /* The same rule as the catalogue's Plural-Forms: French says "1 entrée", "0 entrée", "2 entrées". */
  var plural = new Intl.PluralRules(document.documentElement.lang || "fr");

  function draw(row) {
    var item = root.querySelector('[data-list="' + row.id + '"]');
    if (!item) { return; }
    var scale = Math.max(row.expected, row.checked_in, 1);
    item.querySelector(".bar-checked").setAttribute("width", (100 * row.checked_in / scale).toFixed(1));
    item.querySelector(".bar-inside").setAttribute("width", (100 * row.inside / scale).toFixed(1));
    ["checked_in", "inside", "expected", "conflicts"].forEach(function (name) {
      var figure = item.querySelector('[data-figure="' + name + '"]');
      if (figure) { figure.textContent = String(row[name]); }
      var word = item.querySelector('[data-word="' + name + '"]');
      if (word) { word.textContent = plural.select(row[name]) === "one" ? word.dataset.one : word.dataset.other; }
    });
  }

  async function refresh() {
    try {
      var response = await fetch(root.dataset.statsUrl, { credentials: "same-origin", cache: "no-store",
                                                          headers: { "Accept": "application/json" } });
      if (response.ok) { (await response.json()).lists.forEach(draw); }
    } catch (error) { /* try again at the next tick */ }
  }

  setInterval(function () { if (!document.hidden) { refresh(); } }, 5000);
})();
