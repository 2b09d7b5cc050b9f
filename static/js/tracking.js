// The tracking page follows its order by itself: a small JSON every few seconds, paused
// while the tab is hidden, slower after errors (weak 4G), stopped once the order has ended.
// When the state moves, the status is redrawn in place (its live region says it) and the
// rest of the page (#order-view) is swapped for the server's own rendering of the new
// state: the steps, the pickup code at the top once ready, the money, the history. No HTML
// is built here. Settings on the status element: data-state-url, data-poll-seconds,
// data-version (the state this page was drawn from).
(function () {
  // A form marked data-once is sent once: a second tap while it goes does nothing
  // (listened on the document: the view may have been swapped since).
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.matches("form[data-once]")) return;
    if (form.dataset.sent) { event.preventDefault(); return; }
    form.dataset.sent = "1";
    form.querySelectorAll("button[type=submit]").forEach(function (b) { b.disabled = true; });
  });

  var status = document.querySelector('[data-testid="order-status"]');
  if (!status || !status.dataset.stateUrl || !window.fetch || !window.DOMParser) return;
  var box = document.querySelector('[data-testid="order-state"]');
  var url = status.dataset.stateUrl;
  var every = parseInt(status.dataset.pollSeconds, 10) * 1000, delay = every;
  var version = status.dataset.version;
  var timer = null, busy = false, stopped = false;

  function swap() {
    return fetch(window.location.pathname, {cache: "no-store"}).then(function (r) {
      if (!r.ok) throw new Error(r.status);
      return r.text();
    }).then(function (html) {
      var fresh = new DOMParser().parseFromString(html, "text/html").getElementById("order-view");
      var view = document.getElementById("order-view");
      if (!fresh || !view) throw new Error("no view");
      view.replaceWith(document.importNode(fresh, true));
    });
  }
  function draw(state) {
    status.textContent = state.label;
    status.dataset.status = state.status;
    status.className = "status status-" + state.status;
    box.className = "state state-" + state.status;
    return swap();
  }
  function later(ms) { clearTimeout(timer); timer = setTimeout(poll, ms); }
  function poll() {
    if (busy || stopped || document.hidden) return;  // visibilitychange starts it again
    busy = true;
    fetch(url, {cache: "no-store", headers: {"Accept": "application/json"}}).then(function (r) {
      if (!r.ok) throw new Error(r.status);
      return r.json();
    }).then(function (state) {
      if (String(state.version) === version) return state;
      return draw(state).then(function () { version = String(state.version); return state; });
    }).then(function (state) {
      busy = false; delay = every;
      if (state.ended) stopped = true; else later(delay);
    }).catch(function () {
      busy = false; delay = Math.min(delay * 2, 120000);
      later(delay);
    });
  }
  document.addEventListener("visibilitychange", function () {
    if (!document.hidden) later(0);  // back on the page: what changed meanwhile, at once
  });
  later(every);
})();
