// A deck: one slide at a time, moved by the keyboard; the presenter's
// window (p) shows this slide, the next and the notes, and the two
// windows keep each other in step by postMessage (pages opened from
// file:// have no common origin, so nothing else would reach).  Without
// this script the slides read one after another.
(function () {
  "use strict";
  var slides = Array.prototype.slice.call(document.querySelectorAll("section.slide"));
  if (!slides.length) return;
  var root = document.documentElement;
  var presenting = /^#presenter/.test(location.hash);
  root.classList.add("js");
  if (presenting) root.classList.add("presenter");
  var current = -1, typed = "", other = null, started = Date.now();
  var counters = document.querySelectorAll(".counter");

  function fromHash() {
    var m = /(\d+)$/.exec(location.hash);
    return m ? parseInt(m[1], 10) - 1 : 0;
  }

  function say(format, index) {
    return format.replace("{index}", String(index)).replace("{total}", String(slides.length));
  }

  function copy(slide) {
    var clone = slide.cloneNode(true);
    clone.removeAttribute("id");
    Array.prototype.forEach.call(clone.querySelectorAll("[id]"), function (e) { e.removeAttribute("id"); });
    clone.classList.add("current");
    return clone;
  }

  function show(n, tell) {
    n = Math.max(0, Math.min(slides.length - 1, n));
    if (n !== current) {
      if (current >= 0) slides[current].classList.remove("current");
      current = n;
      slides[n].classList.add("current");
    }
    Array.prototype.forEach.call(counters, function (c) { c.textContent = say(c.getAttribute("data-format"), n + 1); });
    var hash = (presenting ? "#presenter-" : "#") + (n + 1);
    if (location.hash !== hash) history.replaceState(null, "", hash);
    if (presenting) {
      var pane = document.querySelector(".presenter-next .pane");
      pane.textContent = "";
      if (n + 1 < slides.length) pane.appendChild(copy(slides[n + 1]));
      var notes = document.querySelector(".presenter-notes .text");
      notes.textContent = "";
      Array.prototype.forEach.call(slides[n].querySelectorAll(".notes p"), function (p) {
        notes.appendChild(p.cloneNode(true));
      });
    }
    var peer = presenting ? window.opener : other;
    if (tell && peer && !peer.closed) peer.postMessage({ deckSlide: n }, "*");
  }

  function present() {
    var url = location.href.split("#")[0] + "#presenter-" + (current + 1);
    other = window.open(url, "explainer-presenter", "width=1280,height=800");
  }

  function fullscreen() {
    if (document.fullscreenElement) document.exitFullscreen();
    else if (root.requestFullscreen) root.requestFullscreen();
  }

  document.addEventListener("keydown", function (e) {
    if (e.altKey || e.ctrlKey || e.metaKey) return;
    var key = e.key;
    if (/^[0-9]$/.test(key)) { typed += key; return; }
    if (key === "Enter" && typed) { show(parseInt(typed, 10) - 1, true); typed = ""; e.preventDefault(); return; }
    typed = "";
    if (key === "ArrowRight" || key === "ArrowDown" || key === "PageDown" || key === "n" || (key === " " && !e.shiftKey)) {
      show(current + 1, true);
    } else if (key === "ArrowLeft" || key === "ArrowUp" || key === "PageUp" || (key === " " && e.shiftKey)) {
      show(current - 1, true);
    } else if (key === "Home") {
      show(0, true);
    } else if (key === "End") {
      show(slides.length - 1, true);
    } else if (key === "f") {
      fullscreen();
    } else if (key === "p" && !presenting) {
      present();
    } else {
      return;
    }
    e.preventDefault();
  });
  window.addEventListener("message", function (e) {
    var data = e.data;
    if ((e.source === other || e.source === window.opener) && data && typeof data.deckSlide === "number") {
      show(data.deckSlide, false);
    }
  });
  window.addEventListener("hashchange", function () { show(fromHash(), true); });
  var prev = document.querySelector(".deckbar .prev"), next = document.querySelector(".deckbar .next");
  if (prev) prev.addEventListener("click", function () { show(current - 1, true); });
  if (next) next.addEventListener("click", function () { show(current + 1, true); });
  if (presenting) {
    document.querySelector(".presenter-view").hidden = false;
    var clock = document.querySelector(".clock");
    var tick = function () {
      var s = Math.floor((Date.now() - started) / 1000);
      clock.textContent = Math.floor(s / 60) + ":" + ("0" + (s % 60)).slice(-2);
    };
    tick();
    setInterval(tick, 1000);
  }
  show(fromHash(), false);
})();
