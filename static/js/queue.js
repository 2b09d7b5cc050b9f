// The shop's queue follows itself on a tablet left on the counter all day: a small
// conditional GET of its state (304 while nothing changed), and when the version moves the
// server's own rendering of the list is swapped in (no HTML built here). Paused while the
// tab is hidden, slower after errors, one timer and a fixed set of listeners for the page's
// whole life. Settings: data-state-url, data-list-url, data-day, data-poll-seconds on
// .live-queue (the URLs carry no date when the page follows today).
(function () {
  var root = document.querySelector("[data-testid='live-queue']");
  if (!root || !window.fetch || !window.DOMParser) return;
  var stateUrl = root.dataset.stateUrl, listUrl = root.dataset.listUrl;
  var every = Math.max(1, parseInt(root.dataset.pollSeconds, 10) || 10) * 1000;
  var delay = every, timer = null, busy = false, etag = null;
  var list = document.getElementById("queue-list");
  var version = list.dataset.version;
  var baseTitle = document.title.replace(/^\(\d+\) /, "");
  var toggle = root.querySelector("[data-alert-toggle]");
  var KEY = "comptoir.queue.alert";
  var audio = null;

  function store(value) { try { localStorage.setItem(KEY, value ? "1" : "0"); } catch (e) {} }
  function wanted() { try { return localStorage.getItem(KEY) === "1"; } catch (e) { return false; } }
  if (toggle) {
    toggle.disabled = false;
    toggle.checked = wanted();
    toggle.addEventListener("change", function () { store(toggle.checked); });
  }
  function alertShop() {
    if (!toggle || !toggle.checked) return;
    if (navigator.vibrate) navigator.vibrate([200, 100, 200]);
    try {
      var Ctx = window.AudioContext || window.webkitAudioContext;
      if (!Ctx) return;
      audio = audio || new Ctx();  // one context for the page's life
      var tone = audio.createOscillator(), gain = audio.createGain();
      tone.frequency.value = 880; gain.gain.value = 0.2;
      tone.connect(gain); gain.connect(audio.destination);
      tone.start(); tone.stop(audio.currentTime + 0.25);
    } catch (e) {}
  }
  function title(toDo) {
    document.title = (toDo > 0 ? "(" + toDo + ") " : "") + baseTitle;
  }
  function ids(node) {
    var seen = {};
    node.querySelectorAll("[data-testid='queue-order'][data-status='placed']").forEach(function (li) {
      seen[li.dataset.orderId] = true;
    });
    return seen;
  }
  function swap() {
    return fetch(listUrl, {cache: "no-store", credentials: "same-origin"}).then(function (r) {
      if (!r.ok) throw new Error(r.status);
      return r.text();
    }).then(function (html) {
      // The fragment is the server's own escaped rendering of the list.
      var fresh = new DOMParser().parseFromString(html, "text/html").getElementById("queue-list");
      if (!fresh) throw new Error("no list");
      var before = ids(list), arrived = false;
      Object.keys(ids(fresh)).forEach(function (id) { if (!before[id]) arrived = true; });
      var focused = document.activeElement && list.contains(document.activeElement)
        ? document.activeElement.getAttribute("href") : null;
      fresh = document.importNode(fresh, true);
      list.replaceWith(fresh);
      list = fresh;
      version = list.dataset.version;
      title(parseInt(list.dataset.toDo, 10) || 0);
      if (focused) {
        var again = list.querySelector("a[href='" + focused.replace(/'/g, "") + "']");
        if (again) again.focus();
      }
      if (arrived) alertShop();
    });
  }
  function later(ms) { clearTimeout(timer); timer = setTimeout(poll, ms); }
  function poll() {
    timer = null;
    if (busy || document.hidden) return;  // visibilitychange starts it again
    busy = true;
    var headers = {"Accept": "application/json"};
    if (etag) headers["If-None-Match"] = etag;
    fetch(stateUrl, {cache: "no-store", credentials: "same-origin", headers: headers})
      .then(function (r) {
        if (r.status === 304) return null;
        if (!r.ok) throw new Error(r.status);
        etag = r.headers.get("ETag");
        return r.json();
      }).then(function (state) {
        if (state && state.day !== root.dataset.day) {  // midnight passed: today is another day
          window.location.reload();
          return;
        }
        if (state) title(state.to_do);
        if (state && state.version !== version) return swap();
      }).then(function () {
        busy = false; delay = every; later(delay);
      }).catch(function () {
        busy = false; delay = Math.min(delay * 2, 5 * 60000);  // weak wifi: back off
        later(delay);
      });
  }
  document.addEventListener("visibilitychange", function () {
    if (document.hidden) { clearTimeout(timer); timer = null; }
    else later(0);  // back on the page: what changed meanwhile, at once
  });
  window.addEventListener("online", function () { delay = every; later(0); });
  later(every);
})();
