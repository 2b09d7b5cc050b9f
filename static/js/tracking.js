// The tracking page follows its order by itself: a small JSON every few seconds, paused
// while the tab is hidden, slower after errors (weak 4G), stopped once the order has ended.
// Its settings come from the status element: data-state-url, data-poll-seconds,
// data-version (the state this page was drawn from).
(function () {
  var status = document.querySelector('[data-testid="order-status"]');
  if (!status || !status.dataset.stateUrl) return;
  var events = document.querySelector('[data-testid="order-events"]');
  var when = document.querySelector('[data-testid="pickup-time"]');
  var url = status.dataset.stateUrl;
  var every = parseInt(status.dataset.pollSeconds, 10) * 1000, delay = every;
  var version = status.dataset.version;
  var timer = null, busy = false, stopped = false;
  function remove(selector) {
    document.querySelectorAll(selector).forEach(function (el) { el.remove(); });
  }
  function draw(state) {
    status.textContent = state.label;
    status.dataset.status = state.status;
    status.className = "status status-" + state.status;
    when.textContent = state.slot.label;
    if (!state.cancellable) remove('[data-testid="cancel-form"]');
    if (state.ended) remove("[data-while-open]");  // no code or calendar once it is over
    events.textContent = "";
    state.events.forEach(function (e) {
      var li = document.createElement("li"), at = document.createElement("span");
      at.className = "muted"; at.textContent = e.at;
      li.appendChild(at);
      li.appendChild(document.createTextNode(" — " + e.label + (e.note ? " (" + e.note + ")" : "")));
      events.appendChild(li);
    });
  }
  function later(ms) { clearTimeout(timer); timer = setTimeout(poll, ms); }
  function poll() {
    if (busy || stopped || document.hidden) return;  // visibilitychange starts it again
    busy = true;
    fetch(url, {cache: "no-store", headers: {"Accept": "application/json"}}).then(function (r) {
      if (!r.ok) throw new Error(r.status);
      return r.json();
    }).then(function (state) {
      busy = false; delay = every;
      if (String(state.version) !== version) { draw(state); version = String(state.version); }
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
