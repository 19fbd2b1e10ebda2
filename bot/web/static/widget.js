/*
 * Hessen citizen assistant - embeddable chat widget.
 *
 * Embed with one tag:
 *   <script src="https://GATEWAY/widget.js" data-kommune="06534014" defer></script>
 *
 * Vanilla JS, no build step, no third-party requests, no cookies, no
 * localStorage. The conversation (sender id + rendered messages) lives in
 * sessionStorage, i.e. only in the current browser tab.
 */
(function () {
  "use strict";

  var script = document.currentScript;
  if (!script || window.__hessenChatLoaded) {
    return;
  }
  window.__hessenChatLoaded = true;

  var BASE = new URL(script.src, document.baseURI).origin;
  var KOMMUNE = /^[0-9]{8}$/.test(script.getAttribute("data-kommune") || "")
    ? script.getAttribute("data-kommune")
    : null;
  var STORAGE_KEY = "hessenChat.v1";
  var MAX_CHARS = 1000;
  var REQUEST_TIMEOUT_MS = 20000;
  var ID = "hessen-chat";

  // UI strings per language. The DE/EN switch picks one; the server is told the choice
  // (metadata.sprache and Accept-Language), and the assistant answers in the language a
  // message is written in, falling back to this choice for words like "Kassel".
  var TEXTS = {
    de: {
      launcher: "Fragen Sie unseren Assistenten",
      title: "Ihr Bürger-Assistent",
      close: "Chat schließen",
      restart: "Neu starten",
      restartDone: "Neues Gespräch gestartet.",
      privacy:
        "Bitte geben Sie keine persönlichen Daten ein. Der Verlauf wird nur in diesem " +
        "Browser-Tab gespeichert und nach 30 Tagen auf dem Server gelöscht.",
      logLabel: "Gesprächsverlauf",
      inputLabel: "Ihre Frage",
      send: "Senden",
      typing: "Assistent schreibt …",
      you: "Sie:",
      bot: "Assistent:",
      newWindow: "(öffnet neues Fenster)",
      choices: "Antwortmöglichkeiten",
      languageLabel: "Sprache",
      languageDone: "Sprache: Deutsch.",
      empty: "Bitte schreiben Sie eine Nachricht.",
      unavailable:
        "Der Chat ist gerade nicht erreichbar. Bitte versuchen Sie es später noch einmal. " +
        "Telefonisch hilft Ihnen die Behördennummer 115.",
      welcome:
        "Guten Tag! Ich beantworte Fragen zu Online-Diensten der Verwaltung in Hessen. " +
        "Wie kann ich Ihnen helfen?"
    },
    en: {
      launcher: "Ask our assistant",
      title: "Your citizen assistant",
      close: "Close chat",
      restart: "Restart",
      restartDone: "New conversation started.",
      privacy:
        "Please do not enter personal data. The conversation is stored only in this " +
        "browser tab and deleted on the server after 30 days.",
      logLabel: "Conversation",
      inputLabel: "Your question",
      send: "Send",
      typing: "Assistant is typing …",
      you: "You:",
      bot: "Assistant:",
      newWindow: "(opens new window)",
      choices: "Answer options",
      languageLabel: "Language",
      languageDone: "Language: English.",
      empty: "Please write a message.",
      unavailable:
        "The chat is not available right now. Please try again later. " +
        "By phone, the public service number 115 can help you.",
      welcome:
        "Hello! I answer questions about online services of the administration in Hessen. " +
        "How can I help you?"
    }
  };
  var LANGUAGES = [
    { code: "de", name: "Deutsch" },
    { code: "en", name: "English" }
  ];
  // data-sprache="en" on the script tag starts in English (e.g. on a page in English).
  var START_LANG = TEXTS[script.getAttribute("data-sprache")] ? script.getAttribute("data-sprache") : "de";
  var TEXT = TEXTS[START_LANG];

  // ---------------------------------------------------------------- state

  var memoryStore = null; // fallback when sessionStorage is blocked

  function loadState() {
    var raw = null;
    try {
      raw = window.sessionStorage.getItem(STORAGE_KEY);
    } catch (e) {
      raw = memoryStore;
    }
    if (raw) {
      try {
        var parsed = JSON.parse(raw);
        if (parsed && typeof parsed.sender === "string" && Array.isArray(parsed.messages)) {
          if (!TEXTS[parsed.lang]) {
            parsed.lang = START_LANG;
          }
          return parsed;
        }
      } catch (e) {
        /* corrupt entry: start fresh */
      }
    }
    return { sender: newSenderId(), open: false, messages: [], lang: START_LANG };
  }

  function saveState() {
    var raw = JSON.stringify(state);
    try {
      window.sessionStorage.setItem(STORAGE_KEY, raw);
    } catch (e) {
      memoryStore = raw;
    }
  }

  function newSenderId() {
    if (window.crypto && typeof window.crypto.randomUUID === "function") {
      return window.crypto.randomUUID();
    }
    // randomUUID needs a secure context; plain-http pages fall back to a
    // version-4 UUID built from getRandomValues.
    var b = new Uint8Array(16);
    window.crypto.getRandomValues(b);
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    var h = Array.prototype.map.call(b, function (x) {
      return (x + 0x100).toString(16).slice(1);
    }).join("");
    return h.slice(0, 8) + "-" + h.slice(8, 12) + "-" + h.slice(12, 16) + "-" +
      h.slice(16, 20) + "-" + h.slice(20);
  }

  var state = loadState();
  TEXT = TEXTS[state.lang];
  var busy = false;

  // ------------------------------------------------------------------ DOM

  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    if (attrs) {
      Object.keys(attrs).forEach(function (name) {
        node.setAttribute(name, attrs[name]);
      });
    }
    if (text) {
      node.textContent = text;
    }
    return node;
  }

  function srOnly(text) {
    return el("span", { class: "hc-sr-only" }, text);
  }

  var root = el("div", { class: "hc-root", lang: state.lang });
  var launcher = el("button", {
    type: "button",
    class: "hc-launcher",
    "aria-expanded": "false",
    "aria-controls": ID + "-panel"
  }, TEXT.launcher);

  var panel = el("section", {
    id: ID + "-panel",
    class: "hc-panel",
    role: "dialog",
    "aria-labelledby": ID + "-title",
    "aria-describedby": ID + "-privacy"
  });
  panel.hidden = true;

  var header = el("div", { class: "hc-header" });
  var title = el("h2", { id: ID + "-title", class: "hc-title" }, TEXT.title);
  // The language switch: two real buttons (keyboard and screen readers need nothing extra),
  // aria-pressed tells which is on, lang makes each name read in its own language.
  var languageGroup = el("div", { class: "hc-lang", role: "group", "aria-label": TEXT.languageLabel });
  var languageButtons = LANGUAGES.map(function (language) {
    var b = el("button", {
      type: "button",
      class: "hc-lang-button",
      lang: language.code,
      "data-lang": language.code,
      "aria-pressed": language.code === state.lang ? "true" : "false"
    }, language.name);
    languageGroup.appendChild(b);
    return b;
  });
  var restartButton = el("button", { type: "button", class: "hc-restart" }, TEXT.restart);
  var closeButton = el("button", { type: "button", class: "hc-close", "aria-label": TEXT.close });
  closeButton.appendChild(el("span", { "aria-hidden": "true" }, "×"));
  header.appendChild(title);
  header.appendChild(languageGroup);
  header.appendChild(restartButton);
  header.appendChild(closeButton);

  var privacy = el("p", { id: ID + "-privacy", class: "hc-privacy" }, TEXT.privacy);
  // tabindex: the log scrolls, so keyboard users must be able to focus it.
  var log = el("div", {
    class: "hc-log",
    role: "log",
    "aria-live": "polite",
    "aria-label": TEXT.logLabel,
    tabindex: "0"
  });
  var status = el("p", { class: "hc-status", role: "status", "aria-live": "polite" });

  var form = el("form", { class: "hc-form", novalidate: "" });
  var label = el("label", { for: ID + "-input", class: "hc-label" }, TEXT.inputLabel);
  var row = el("div", { class: "hc-row" });
  var input = el("input", {
    id: ID + "-input",
    class: "hc-input",
    type: "text",
    name: "message",
    autocomplete: "off",
    maxlength: String(MAX_CHARS)
  });
  var sendButton = el("button", { type: "submit", class: "hc-send" }, TEXT.send);
  row.appendChild(input);
  row.appendChild(sendButton);
  form.appendChild(label);
  form.appendChild(row);

  panel.appendChild(header);
  panel.appendChild(privacy);
  panel.appendChild(log);
  panel.appendChild(status);
  panel.appendChild(form);
  root.appendChild(panel);
  root.appendChild(launcher);

  // ------------------------------------------------------------ rendering

  var URL_RE = /https?:\/\/[^\s<>"']+/g;

  // Appends text to parent, turning http(s) URLs into safe links. Only
  // textContent is used, so bot text can never inject markup.
  function appendLinkified(parent, text) {
    var last = 0;
    text.replace(URL_RE, function (match, offset) {
      var url = match.replace(/[.,;:!?)\]]+$/, "");
      if (offset > last) {
        parent.appendChild(document.createTextNode(text.slice(last, offset)));
      }
      var a = el("a", { href: url, target: "_blank", rel: "noopener noreferrer" }, url);
      // Leading space inside the hidden span, so the underline ends at the URL.
      a.appendChild(srOnly(" " + TEXT.newWindow));
      parent.appendChild(a);
      last = offset + url.length;
      return match;
    });
    if (last < text.length) {
      parent.appendChild(document.createTextNode(text.slice(last)));
    }
  }

  // Minimal markdown: **bold** only.
  function appendRichText(parent, text) {
    var parts = text.split(/\*\*([^*]+)\*\*/);
    parts.forEach(function (part, i) {
      if (!part) {
        return;
      }
      if (i % 2 === 1) {
        var strong = el("strong");
        appendLinkified(strong, part);
        parent.appendChild(strong);
      } else {
        appendLinkified(parent, part);
      }
    });
  }

  function renderMessage(message, index) {
    var item = el("div", { class: "hc-msg hc-msg-" + message.from });
    if (message.error) {
      item.className += " hc-msg-error";
    }
    item.appendChild(srOnly(message.from === "user" ? TEXT.you : TEXT.bot));
    var body = el("div", { class: "hc-bubble" });
    (message.text || "").split(/\n+/).forEach(function (line) {
      if (line.trim()) {
        var p = el("p");
        appendRichText(p, line);
        body.appendChild(p);
      }
    });
    if (body.childNodes.length) {
      item.appendChild(body);
    }
    if (message.buttons && message.buttons.length) {
      var group = el("div", { class: "hc-choices", role: "group", "aria-label": TEXT.choices });
      message.buttons.forEach(function (choice) {
        var b = el("button", { type: "button", class: "hc-choice" }, choice.title);
        b.disabled = !!message.used;
        b.addEventListener("click", function () {
          if (busy || message.used) {
            return;
          }
          // The clicked button is disabled right away; move focus to the
          // input so keyboard users do not land on <body>.
          input.focus();
          send(choice.payload, choice.title);
        });
        group.appendChild(b);
      });
      item.appendChild(group);
    }
    item.setAttribute("data-index", String(index));
    log.appendChild(item);
  }

  function renderAll() {
    log.textContent = "";
    if (!state.messages.length) {
      renderMessage({ from: "bot", text: TEXT.welcome }, -1);
    }
    state.messages.forEach(renderMessage);
    scrollToEnd();
  }

  function scrollToEnd() {
    log.scrollTop = log.scrollHeight;
  }

  function addMessage(message) {
    state.messages.push(message);
    saveState();
    renderMessage(message, state.messages.length - 1);
    scrollToEnd();
  }

  // Once the citizen answers, earlier buttons are stale: disable them.
  function retireButtons() {
    state.messages.forEach(function (m) {
      if (m.buttons && m.buttons.length) {
        m.used = true;
      }
    });
    Array.prototype.forEach.call(log.querySelectorAll(".hc-choice"), function (b) {
      b.disabled = true;
    });
  }

  // -------------------------------------------------------------- network

  function setBusy(value) {
    busy = value;
    // readOnly instead of disabled: keeps keyboard focus in the field.
    input.readOnly = value;
    sendButton.setAttribute("aria-disabled", value ? "true" : "false");
    status.textContent = value ? TEXT.typing : "";
  }

  function botMessagesFrom(data) {
    if (data && Array.isArray(data.messages)) {
      return data.messages.map(function (m) {
        return {
          from: "bot",
          text: typeof m.text === "string" ? m.text : "",
          buttons: Array.isArray(m.buttons) ? m.buttons.filter(function (b) {
            return b && typeof b.title === "string" && typeof b.payload === "string";
          }) : []
        };
      });
    }
    if (data && typeof data.error === "string") {
      return [{ from: "bot", text: data.error, error: true }];
    }
    return null;
  }

  function send(payload, shownText) {
    if (busy) {
      return;
    }
    retireButtons();
    addMessage({ from: "user", text: shownText });
    setBusy(true);

    var controller = typeof AbortController === "function" ? new AbortController() : null;
    var timer = controller ? window.setTimeout(function () { controller.abort(); }, REQUEST_TIMEOUT_MS) : null;
    var body = { sender: state.sender, message: payload, metadata: { sprache: state.lang } };
    if (KOMMUNE) {
      body.metadata.kommune = KOMMUNE;
    }

    fetch(BASE + "/api/chat", {
      method: "POST",
      mode: "cors",
      credentials: "omit",
      // Accept-Language set here, so the gateway's own texts follow the switch, not the browser.
      headers: { "Content-Type": "application/json", "Accept-Language": state.lang },
      body: JSON.stringify(body),
      signal: controller ? controller.signal : undefined
    })
      .then(function (response) {
        return response.json().catch(function () { return null; });
      })
      .then(function (data) {
        var messages = botMessagesFrom(data);
        if (!messages) {
          messages = [{ from: "bot", text: TEXT.unavailable, error: true }];
        }
        messages.forEach(addMessage);
      })
      .catch(function () {
        addMessage({ from: "bot", text: TEXT.unavailable, error: true });
      })
      .then(function () {
        if (timer) {
          window.clearTimeout(timer);
        }
        setBusy(false);
      });
  }

  // --------------------------------------------------------------- events

  function openPanel(focusInput) {
    panel.hidden = false;
    launcher.setAttribute("aria-expanded", "true");
    state.open = true;
    saveState();
    scrollToEnd();
    if (focusInput) {
      input.focus();
    }
  }

  function closePanel() {
    panel.hidden = true;
    launcher.setAttribute("aria-expanded", "false");
    state.open = false;
    saveState();
    launcher.focus();
  }

  launcher.addEventListener("click", function () {
    if (panel.hidden) {
      openPanel(true);
    } else {
      closePanel();
    }
  });

  closeButton.addEventListener("click", closePanel);

  panel.addEventListener("keydown", function (event) {
    if (event.key === "Escape" || event.key === "Esc") {
      event.preventDefault();
      closePanel();
    }
  });

  restartButton.addEventListener("click", function () {
    state = { sender: newSenderId(), open: true, messages: [], lang: state.lang };
    saveState();
    setBusy(false);
    renderAll();
    status.textContent = TEXT.restartDone;
    input.value = "";
    input.focus();
  });

  // Puts every UI string of the current language in place (the log keeps its messages).
  function applyLanguage() {
    TEXT = TEXTS[state.lang];
    root.setAttribute("lang", state.lang);
    launcher.textContent = TEXT.launcher;
    title.textContent = TEXT.title;
    closeButton.setAttribute("aria-label", TEXT.close);
    restartButton.textContent = TEXT.restart;
    privacy.textContent = TEXT.privacy;
    log.setAttribute("aria-label", TEXT.logLabel);
    label.textContent = TEXT.inputLabel;
    sendButton.textContent = TEXT.send;
    languageGroup.setAttribute("aria-label", TEXT.languageLabel);
    languageButtons.forEach(function (b) {
      b.setAttribute("aria-pressed", b.getAttribute("data-lang") === state.lang ? "true" : "false");
    });
    renderAll();
  }

  languageButtons.forEach(function (b) {
    b.addEventListener("click", function () {
      var code = b.getAttribute("data-lang");
      if (code === state.lang) {
        return;
      }
      state.lang = code;
      saveState();
      applyLanguage();
      status.textContent = TEXT.languageDone;
    });
  });

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    if (busy) {
      return;
    }
    var text = input.value.trim();
    if (!text) {
      status.textContent = TEXT.empty;
      input.focus();
      return;
    }
    input.value = "";
    send(text, text);
  });

  // --------------------------------------------------------------- mount

  function mount() {
    document.body.appendChild(root);
    renderAll();
    if (state.open) {
      openPanel(false);
    }
  }

  function loadStylesThenMount() {
    var href = BASE + "/widget.css";
    var present = Array.prototype.some.call(
      document.querySelectorAll('link[rel="stylesheet"]'),
      function (link) { return link.href === href; }
    );
    if (present) {
      mount();
      return;
    }
    var link = el("link", { rel: "stylesheet", href: href });
    // Mount only once styles are there, so the launcher never flashes unstyled.
    link.addEventListener("load", mount);
    link.addEventListener("error", mount);
    document.head.appendChild(link);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", loadStylesThenMount);
  } else {
    loadStylesThenMount();
  }
})();
