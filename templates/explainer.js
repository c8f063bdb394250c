// Enhancements only: the page reads fully without this script.
// Shortcuts are declared in the markup (data-shortcut="j"); one handler
// runs them.  Provenance is shown from the page's JSON data block, always
// through textContent, never as markup.
(function () {
  "use strict";
  var dataNode = document.getElementById("explainer-data");
  var data = dataNode ? JSON.parse(dataNode.textContent) : { provenance: [], chains: [], invocations: [], words: {} };
  var words = data.words || {};

  function currentSection() {
    // The pass named in the URL, while it is on screen; else the last pass
    // whose top has scrolled past the upper third of the window.
    var named = location.hash ? document.getElementById(location.hash.slice(1)) : null;
    var owner = named ? named.closest("section[data-pass]") : null;
    if (owner) {
      var box = owner.getBoundingClientRect();
      if (box.top < window.innerHeight && box.bottom > 0) return owner;
    }
    var current = null;
    var sections = document.querySelectorAll("section[data-pass]");
    for (var i = 0; i < sections.length; i++) {
      if (sections[i].getBoundingClientRect().top <= window.innerHeight * 0.3) current = sections[i];
    }
    return current;
  }

  function shortcutTarget(key) {
    var all = document.querySelectorAll("[data-shortcut]");
    var section = currentSection();
    var inSection = null, outside = null, perPass = false;
    for (var i = 0; i < all.length; i++) {
      if (all[i].getAttribute("data-shortcut") !== key) continue;
      var owner = all[i].closest("section[data-pass]");
      if (owner) perPass = true;
      if (owner && owner === section && !inSection) inSection = all[i];
      if (!owner && !outside) outside = all[i];
    }
    // A pass's own keys (j, k) do nothing past its ends: j on the last
    // pass does not start again at the first.
    if (section && perPass) return inSection;
    return inSection || outside;
  }

  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    var t = event.target;
    if (t && (t.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(t.tagName))) return;
    var el = shortcutTarget(event.key);
    if (!el) return;
    event.preventDefault();
    el.click();
  });

  var toggles = document.querySelectorAll("button.toggle-steps");
  for (var i = 0; i < toggles.length; i++) {
    toggles[i].hidden = false;
    toggles[i].addEventListener("click", function (event) {
      var section = event.currentTarget.closest("section");
      var lists = section.querySelectorAll("details.steps");
      var open = !(lists.length && lists[0].open);
      for (var k = 0; k < lists.length; k++) lists[k].open = open;
    });
  }

  // A page too large for provenance can still show one event or class alone.
  var filter = document.getElementById("filter");
  if (filter) {
    filter.closest("p").hidden = false;
    filter.addEventListener("change", function () {
      var name = filter.value;
      var all = document.querySelectorAll("article.invocation");
      for (var i = 0; i < all.length; i++) {
        var own = all[i].getAttribute("data-name");
        all[i].hidden = !!name && own !== name && all[i].getAttribute("data-class") !== name;
      }
    });
  }

  // A folded kernel helper opens the whole code at its expansion, marked.
  var shownLines = [];
  document.addEventListener("click", function (event) {
    var fold = event.target.closest && event.target.closest("a.fold");
    if (!fold) return;
    var first = document.getElementById(fold.getAttribute("href").slice(1));
    if (!first) return;
    event.preventDefault();
    var whole = first.closest("details");
    if (whole) whole.open = true;
    for (var i = 0; i < shownLines.length; i++) shownLines[i].classList.remove("shown");
    shownLines = [];
    var last = Number(fold.getAttribute("data-last"));
    var prefix = first.id.replace(/-L\d+$/, "-L");
    for (var n = Number(first.id.slice(prefix.length)); n <= last; n++) {
      var line = document.getElementById(prefix + n);
      if (!line) break;
      line.classList.add("shown");
      shownLines.push(line);
    }
    history.replaceState(null, "", "#" + first.id);
    first.scrollIntoView({ block: "start" });
  });
  // Come from a fold on the header's or a class's page: the line it links
  // to is in a closed block of whole code here; open it there.
  var arrived = location.hash ? document.getElementById(location.hash.slice(1)) : null;
  var closed = arrived && arrived.closest("details:not([open])");
  if (closed) {
    closed.open = true;
    arrived.scrollIntoView({ block: "start" });
  }

  var panel = document.getElementById("provenance");
  var body = panel ? panel.querySelector(".body") : null;
  var current = null, pinned = false;

  function line(parts) {
    var p = document.createElement("p");
    for (var i = 0; i < parts.length; i++) {
      var part = parts[i];
      var node = document.createElement(part[1] ? "code" : "span");
      node.textContent = part[0];
      p.appendChild(node);
    }
    body.appendChild(p);
  }

  // entry: [macro, "file:line" (in data.places), argument, invocation, chain (in data.chains), how, [start, end]]
  function show(token) {
    if (!panel || !token) return;
    if (current) current.classList.remove("current");
    current = token;
    token.classList.add("current");
    var entry = data.provenance[Number(token.getAttribute("data-p"))] || [], places = data.places || [];
    body.textContent = "";
    line([[token.textContent, true]]);
    var how = entry[5];
    if (how === "#") line([[words.made_by_stringify || "", false]]);
    else if (how) line([[(words.made_by_paste || "") + " ", false], [how, true]]);
    if (entry[0]) {
      line([[(words.from_macro || "") + " ", false], [entry[0], true], [" ", false]]);
      where(body.lastChild, token, places[entry[1]] || "");
    }
    var chain = (data.chains || [])[entry[4]] || [];
    if (chain.length > 1) {
      var p = document.createElement("p");
      p.className = "chain";
      p.appendChild(document.createTextNode((words.chain || "") + " "));
      for (var i = 0; i < chain.length; i++) {
        if (i) p.appendChild(document.createTextNode(" \u2192 "));
        var name = document.createElement("code");
        name.textContent = chain[i][0];
        p.appendChild(name);
        p.appendChild(document.createTextNode(" "));
        where(p, token, places[chain[i][1]] || "", true);
      }
      body.appendChild(p);
    }
    mark(token, entry[2], entry[6]);
    if (entry[2] !== null && entry[2] !== undefined) {
      var inv = data.invocations[entry[3]] || { args: [], params: [] };
      var param = inv.params[entry[2]] ? (words.aside || " ({text})").replace("{text}", inv.params[entry[2]]) : "";
      line([[(words.from_argument || "") + " " + (entry[2] + 1) + param + " " + (words.of || "") + " ", false],
            [inv.macro, true], [" " + inv.where + (words.colon || ": "), false], [inv.args[entry[2]] || "", true]]);
    }
    panel.hidden = false;
  }

  // The macro's file:line, a link to its #define where the pass lists it
  // (small: in a chain, in brackets).
  function where(p, token, place, small) {
    var section = token.closest("section");
    var item = null, items = section ? section.querySelectorAll("details.changes li[data-where]") : [];
    for (var i = 0; i < items.length; i++) if (items[i].getAttribute("data-where") === place) item = items[i];
    var node;
    if (!item) {
      node = document.createElement("span");
    } else {
      node = document.createElement("a");
      node.href = "#";
      node.addEventListener("click", function (event) {
        event.preventDefault();
        item.closest("details").open = true;
        item.scrollIntoView({ block: "center" });
        item.classList.add("shown");
      });
    }
    node.textContent = small ? "(" + place + ")" : place;
    if (small) node.className = "where";
    p.appendChild(node);
  }

  // The argument a token was written in, marked in its invocation's box,
  // and the token's own text in it, where known.
  var marked = null, markedCode = null;
  function mark(token, arg, span) {
    if (marked) marked.classList.remove("source");
    if (markedCode) markedCode.textContent = markedCode.textContent;
    marked = markedCode = null;
    var article = token ? token.closest("article") : null;
    if (article === null || arg === null || arg === undefined) return;
    var li = article.querySelectorAll("ol.args > li")[arg];
    if (!li) return;
    li.classList.add("source");
    marked = li;
    var code = li.querySelector("code");
    if (!code || !span) return;
    var text = code.textContent;
    var m = document.createElement("mark");
    m.textContent = text.slice(span[0], span[1]);
    code.textContent = "";
    code.appendChild(document.createTextNode(text.slice(0, span[0])));
    code.appendChild(m);
    code.appendChild(document.createTextNode(text.slice(span[1])));
    markedCode = code;
  }

  function hide() {
    if (!panel) return;
    panel.hidden = true;
    pinned = false;
    if (current) current.classList.remove("current");
    current = null;
    mark(null, null, null);
  }
  if (panel) panel.querySelector("button.close").addEventListener("click", hide);
  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape" && panel && !panel.hidden) hide();
  });

  document.addEventListener("mouseover", function (event) {
    var token = event.target.closest && event.target.closest(".t[data-p]");
    if (token && !pinned) show(token);
  });
  document.addEventListener("click", function (event) {
    var token = event.target.closest && event.target.closest(".t[data-p]");
    if (!token) return;
    pinned = !(pinned && current === token);
    show(token);
  });

  // Follow a line: pick a line of an invocation; in every pass, the tokens
  // that come from it (their origin's header line) are marked, and the
  // panel lists what each pass made of it (explain follow, in the page).
  var follow = document.getElementById("follow");
  var followBody = follow ? follow.querySelector(".body") : null;
  var followed = [];
  function unfollow() {
    for (var i = 0; i < followed.length; i++) followed[i].classList.remove("followed");
    followed = [];
  }
  // The lines of the invocation *where*, each a button, into *into* (the
  // panel, or the overview of a page with one invocation in focus).
  function pickLine(where, into) {
    var inPanel = !into;
    into = into || followBody;
    if (inPanel) { unfollow(); into.textContent = ""; }
    var intro = document.createElement("p");
    intro.textContent = words.follow_pick || "";
    into.appendChild(intro);
    var list = document.createElement("ol");
    list.className = "lines";
    var lines = (data.sources || {})[where] || [];
    for (var i = 0; i < lines.length; i++) {
      if (!lines[i][1].trim()) continue;
      var item = document.createElement("li");
      var button = document.createElement("button");
      button.type = "button";
      button.setAttribute("data-line", lines[i][0]);
      button.textContent = lines[i][0] + "  " + lines[i][1].replace(/\t/g, "    ").trim();
      button.addEventListener("click", function (event) {
        followLine(where, Number(event.currentTarget.getAttribute("data-line")));
      });
      item.appendChild(button);
      list.appendChild(item);
    }
    into.appendChild(list);
    if (inPanel) follow.hidden = false;
  }
  function followLine(where, lineNo) {
    unfollow();
    followBody.textContent = "";
    var head = document.createElement("p");
    head.textContent = (words.follow_line || "").replace("{line}", lineNo);
    followBody.appendChild(head);
    var list = document.createElement("ol");
    list.className = "passes";
    var sections = document.querySelectorAll("section[data-pass]");
    for (var s = 0; s < sections.length; s++) {
      var texts = [], first = null;
      var codes = sections[s].querySelectorAll("pre.code[data-inv]");
      for (var c = 0; c < codes.length; c++) {
        var inv = data.invocations[Number(codes[c].getAttribute("data-inv"))];
        if (!inv || inv.where !== where) continue;
        var whole = !codes[c].closest("details.unfolded") && codes[c].parentNode.querySelector("details.unfolded");
        var tokens = codes[c].querySelectorAll(".t[data-p]");
        var mine = [];
        for (var t = 0; t < tokens.length; t++) {
          if ((data.provenance[Number(tokens[t].getAttribute("data-p"))] || [])[7] === lineNo) mine.push(tokens[t]);
        }
        for (t = 0; t < mine.length; t++) { mine[t].classList.add("followed"); followed.push(mine[t]); }
        if (!whole) {  // the whole code's text (the folded block shows helpers as calls)
          for (t = 0; t < mine.length; t++) texts.push(mine[t].textContent);
          if (mine.length && !first) first = mine[0];
        }
      }
      var item = document.createElement("li");
      var label = document.createElement("a");
      var heading = sections[s].querySelector("h2");
      var named = heading ? heading.cloneNode(true) : null;
      var stage = named ? named.querySelector(".stage") : null;
      if (stage) stage.remove();
      label.textContent = named ? named.textContent.replace(/\s+/g, " ").trim() : "";
      label.href = "#" + sections[s].id;
      item.appendChild(label);
      item.appendChild(document.createTextNode(words.colon || ": "));
      var made = document.createElement(texts.length ? "code" : "span");
      made.textContent = texts.length ? texts.join(" ") : (words.follow_nothing || "");
      if (first) {
        (function (token) {
          made.addEventListener("click", function () { token.scrollIntoView({ block: "center" }); });
        })(first);
        made.className = "jump";
      }
      item.appendChild(made);
      list.appendChild(item);
    }
    var stopped = document.getElementById("stopped");  // then what went wrong, on a page that stopped
    if (stopped) {
      var wrong = document.createElement("li");
      var to = document.createElement("a");
      to.href = "#stopped";
      to.textContent = stopped.querySelector("h2").textContent;
      wrong.appendChild(to);
      list.appendChild(wrong);
    }
    followBody.appendChild(list);
    follow.hidden = false;
  }
  if (follow) {
    follow.querySelector("button.close").addEventListener("click", function () { follow.hidden = true; unfollow(); });
    var buttons = document.querySelectorAll("button.follow-line");
    for (var f = 0; f < buttons.length; f++) {
      buttons[f].hidden = false;
      buttons[f].addEventListener("click", function (event) { pickLine(event.currentTarget.getAttribute("data-where")); });
    }
    var here = document.getElementById("follow-here");
    if (here) {
      pickLine(here.getAttribute("data-where"), here);
      here.hidden = false;
    }
  }

  var blocks = document.querySelectorAll("pre.code");
  for (var b = 0; b < blocks.length; b++) {
    blocks[b].addEventListener("focus", function (event) {
      var block = event.currentTarget;
      if (!current || !block.contains(current)) show(block.querySelector(".t[data-p]"));
    });
    blocks[b].addEventListener("keydown", function (event) {
      var step = { ArrowRight: 1, ArrowLeft: -1 }[event.key];
      if (!step) return;
      var tokens = Array.prototype.slice.call(event.currentTarget.querySelectorAll(".t[data-p]"));
      if (!tokens.length) return;
      event.preventDefault();
      var at = tokens.indexOf(current);
      var next = tokens[Math.max(0, Math.min(tokens.length - 1, at + step))];
      pinned = true;
      show(next);
      next.scrollIntoView({ block: "nearest", inline: "nearest" });
    });
  }

  // The format panel's decoder: a field's value walked through each table
  // its print fmt has for it, as the kernel's trace_print_flags_seq() and
  // trace_print_symbols_seq() walk them.  64-bit values, so BigInt; the
  // tables' numbers are gcc's, in the data block.
  var WORD = (BigInt(1) << BigInt(64)) - BigInt(1);

  function say(key, values) {
    return (words[key] || "").replace(/\{(\w+)\}/g, function (_, name) { return values[name]; });
  }

  function hex(v) { return "0x" + v.toString(16); }

  function parseValue(text) {
    var t = text.trim(), negative = false;
    if (t.charAt(0) === "-") { negative = true; t = t.slice(1); }
    if (!/^(0[xX][0-9a-fA-F]+|[0-9]+)$/.test(t)) return null;
    var v = BigInt(t);
    return negative ? (-v) & WORD : v & WORD;
  }

  function walk(table, value) {
    var v = value, lines = [];
    if (table.mask !== null) {
      v = v & BigInt(table.mask);
      lines.push(say("decoder_masked", { mask: table.mask, value: hex(v) }));
    }
    if (v === BigInt(0) && table.otherwise !== null) {
      lines.push(say("decoder_otherwise", { text: table.otherwise }));
      return lines;
    }
    var printed = [];
    if (table.helper === "flags") {
      var left = v, terms = [];
      for (var i = 0; i < table.rows.length && left !== BigInt(0); i++) {
        var mask = BigInt(table.rows[i][1]);
        if ((left & mask) !== mask) continue;
        left = left & ~mask & WORD;
        printed.push(table.rows[i][0]);
        terms.push(table.rows[i][0] + " (" + hex(mask) + ")");
      }
      if (left !== BigInt(0)) terms.push(say("decoder_leftover", { left: hex(left) }));
      var text = printed.join(table.delim || "");
      if (left !== BigInt(0)) text += (printed.length && table.delim ? table.delim : "") + hex(left);
      lines.push(say("decoder_sum", { value: hex(v), terms: terms.join(" | ") || "0" }));
      lines.push(say("decoder_prints", { printed: text }));
    } else {
      var hit = null;
      for (var k = 0; k < table.rows.length; k++) {
        if (BigInt(table.rows[k][1]) === v && table.rows[k][0]) { hit = table.rows[k][0]; break; }
      }
      if (hit === null) lines.push(say("decoder_no_row", { value: hex(v) }));
      lines.push(say("decoder_prints", { printed: hit === null ? hex(v) : hit }));
    }
    return lines;
  }

  var inputs = document.querySelectorAll("form.decoder input[data-field]");
  for (var d = 0; d < inputs.length; d++) {
    inputs[d].addEventListener("input", function (event) {
      var input = event.currentTarget;
      var field = input.getAttribute("data-field");
      var out = input.parentNode.querySelector("output");
      out.textContent = "";
      if (!input.value.trim()) return;
      var value = parseValue(input.value);
      if (value === null) { out.textContent = say("decoder_bad", {}); return; }
      var tables = (data.decoder || []).filter(function (t) { return t.field === field; });
      tables.forEach(function (table) {
        walk(table, value).forEach(function (line) {
          var p = document.createElement("span");
          p.className = "decoded";
          p.textContent = line;
          out.appendChild(p);
        });
      });
    });
  }
  document.querySelectorAll("form.decoder").forEach(function (form) {
    form.addEventListener("submit", function (event) { event.preventDefault(); });
  });
  // A site across kernels: the index's rows filtered by name as you type.
  var find = document.getElementById("find-input");
  if (find) {
    var rows = document.querySelectorAll("table.index tbody tr[data-name]");
    var count = document.querySelector("output.find-count");
    var filter = function () {
      var query = find.value.trim().toLowerCase();
      var shown = 0;
      for (var i = 0; i < rows.length; i++) {
        var hit = !query || rows[i].getAttribute("data-name").indexOf(query) !== -1;
        rows[i].hidden = !hit;
        if (hit) shown++;
      }
      if (count) {
        count.textContent = find.getAttribute("data-count")
          .replace("{shown}", String(shown)).replace("{total}", String(rows.length));
      }
    };
    find.addEventListener("input", filter);
    filter();
  }
  // The language switcher keeps the reader's place: a page's anchors
  // (pass-3, format, glossary) are the same in every language.
  document.querySelectorAll("nav.langs a[href]").forEach(function (link) {
    link.addEventListener("click", function () {
      // The pass on screen, else the place the URL names.
      var section = currentSection();
      var place = section && section.id ? "#" + section.id : location.hash;
      link.href = link.getAttribute("href").split("#")[0] + place;
    });
  });
})();
