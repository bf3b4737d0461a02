// The emulator inbox. Plain JavaScript, no dependencies: it reads the view model from
// /_emulator/inbox/state, follows /_emulator/inbox/events, and acts through the emulator's
// control endpoints. Every value from the emulator is put in the page as text (never as
// HTML), since message contents come from whoever calls the API.
"use strict";

const API = {
  state: "/_emulator/inbox/state",
  events: "/_emulator/inbox/events",
  callbacks: "/_emulator/callbacks?limit=500",
  faults: "/_emulator/faults",
  unreachable: "/_emulator/unreachable",
  clockAdvance: "/_emulator/clock/advance",
  reset: "/_emulator/reset",
  inbound: (project, kind) => `/_emulator/projects/${encodeURIComponent(project)}/inbound/${kind}`,
  resend: (id) => `/_emulator/callbacks/${encodeURIComponent(id)}/resend`,
};

const CHANNELS = ["SMS", "WHATSAPP", "RCS", "MMS", "VIBERBM", "MESSENGER", "INSTAGRAM", "TELEGRAM",
  "KAKAOTALK", "KAKAOTALKCHAT", "LINE", "WECHAT", "APPLEBC"];
const CHANNEL_NAMES = { SMS: "SMS", MMS: "MMS", WHATSAPP: "WhatsApp", RCS: "RCS", VIBERBM: "Viber", VIBER: "Viber",
  MESSENGER: "Messenger", INSTAGRAM: "Instagram", TELEGRAM: "Telegram", KAKAOTALK: "KakaoTalk",
  KAKAOTALKCHAT: "KakaoTalk chat", LINE: "LINE", WECHAT: "WeChat", APPLEBC: "Apple Messages" };
// Channels that draw choices as suggestion chips under the message; the others as buttons.
const CHIP_CHANNELS = new Set(["RCS", "APPLEBC"]);

const ui = {
  state: null,          // the last State
  callbacks: [],        // the last callback records, oldest first
  view: "threads",
  sel: { project: "", app: "", thread: "" },
  shownChannel: {},     // message id -> channel whose rendering is shown
  openPaths: new Set(), // message ids whose delivery path is expanded
  openCallbacks: new Set(),
  threadSig: "",        // what the drawn thread was drawn from
  composerFor: "",      // the thread the composer belongs to
  resetArmed: false,
};

// ---- small DOM helpers ----

function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k === "class") el.className = v;
    else if (k.startsWith("on")) el.addEventListener(k.slice(2), v);
    else if (k === "dataset") Object.assign(el.dataset, v);
    else el.setAttribute(k, v === true ? "" : String(v));
  }
  for (const c of children.flat()) {
    if (c === undefined || c === null || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return el;
}
const $ = (sel, root = document) => root.querySelector(sel);
const chan = (c) => CHANNEL_NAMES[c] || c || "?";
const time = (t) => { const d = new Date(t); return isNaN(d) ? "" : d.toLocaleTimeString([], { hour: "2-digit", minute: "2-digit", second: "2-digit" }); };
const dateTime = (t) => { const d = new Date(t); return isNaN(d) ? "" : d.toLocaleString(); };
const parse = (raw) => { try { return typeof raw === "string" ? JSON.parse(raw) : raw || {}; } catch { return {}; } };

function toast(text) {
  const t = $("#toast");
  t.textContent = text;
  t.hidden = false;
  clearTimeout(toast.timer);
  toast.timer = setTimeout(() => { t.hidden = true; }, 5000);
}

async function call(method, url, body) {
  const res = await fetch(url, {
    method, headers: body ? { "Content-Type": "application/json" } : {},
    body: body ? JSON.stringify(body) : undefined,
  });
  const text = await res.text();
  const data = text ? parse(text) : {};
  if (!res.ok) {
    const msg = (data.error && data.error.message) || text || res.statusText;
    const err = new Error(`${res.status}: ${msg}`);
    err.status = res.status;
    throw err;
  }
  return data;
}

// ---- live updates ----

let refreshTimer = null, refreshing = false, again = false;
function scheduleRefresh() {
  if (refreshTimer) return;
  refreshTimer = setTimeout(async () => {
    refreshTimer = null;
    if (refreshing) { again = true; return; }
    refreshing = true;
    try { await refresh(); } catch (e) { setLive(false, "refresh failed: " + e.message); }
    refreshing = false;
    if (again) { again = false; scheduleRefresh(); }
  }, 60);
}

function setLive(on, text) {
  const el = $("#live");
  el.classList.toggle("on", on);
  el.textContent = text;
}

function connect() {
  const es = new EventSource(API.events);
  es.addEventListener("change", scheduleRefresh);
  es.onopen = () => setLive(true, "live");
  es.onerror = () => setLive(false, "reconnecting…");
}

async function refresh() {
  const [state, cbs] = await Promise.all([call("GET", API.state), call("GET", API.callbacks)]);
  ui.state = state;
  ui.callbacks = cbs.callbacks || [];
  document.body.dataset.loaded = "true";
  $("#clock").textContent = "clock " + dateTime(state.now);
  $("#clock-now").textContent = dateTime(state.now);
  $("#cb-count").textContent = ui.callbacks.length ? `(${ui.callbacks.length})` : "";
  pickDefaultThread();
  drawSidebar();
  drawThread();
  drawCallbacks();
  if (ui.view === "controls") loadControls();
}

// ---- selection ----

function apps() {
  const out = [];
  for (const p of (ui.state && ui.state.projects) || []) for (const a of p.apps || []) out.push({ project: p.id, app: a });
  return out;
}
function findThread(sel = ui.sel) {
  for (const { project, app } of apps()) {
    if (project !== sel.project || app.id !== sel.app) continue;
    const t = (app.threads || []).find((t) => t.key === sel.thread);
    if (t) return { project, app, thread: t };
  }
  return null;
}
function pickDefaultThread() {
  if (findThread()) return;
  const fromHash = new URLSearchParams(location.hash.slice(1));
  const want = { project: fromHash.get("p") || "", app: fromHash.get("a") || "", thread: fromHash.get("t") || "" };
  if (findThread(want)) { ui.sel = want; return; }
  let newest = null;
  for (const { project, app } of apps()) for (const t of app.threads || []) {
    if (!newest || t.last > newest.thread.last) newest = { project, app: app.id, thread: t };
  }
  ui.sel = newest ? { project: newest.project, app: newest.app, thread: newest.thread.key } : { project: "", app: "", thread: "" };
}
function select(project, app, thread) {
  ui.sel = { project, app, thread };
  history.replaceState(null, "", "#" + new URLSearchParams({ p: project, a: app, t: thread }));
  $("#view-threads").classList.add("open");
  drawSidebar();
  drawThread();
  const input = $("#reply-text");
  if (input) input.focus();
}

// ---- sidebar ----

function drawSidebar() {
  const side = $("#sidebar");
  // Redraw only when something shown changed, so that focus and clicks survive live updates.
  const sig = JSON.stringify([ui.sel, ((ui.state && ui.state.projects) || []).map((p) => [p.id, (p.apps || []).map((a) =>
    [a.id, a.display_name, a.channels, (a.threads || []).map((t) => [t.key, t.name, t.messages.length, t.last])])])]);
  if (side.dataset.sig === sig) return;
  side.dataset.sig = sig;
  const nodes = [];
  const projects = (ui.state && ui.state.projects) || [];
  if (!projects.length) nodes.push(h("p", { class: "none" }, "No apps yet. Create one through the API."));
  for (const p of projects) {
    nodes.push(h("h2", {}, "Project " + p.id + (p.region ? " (" + p.region + ")" : "")));
    for (const a of p.apps || []) {
      nodes.push(h("h3", {}, a.display_name || a.id, " ", h("small", {}, (a.channels || []).map(chan).join(" · "))));
      const threads = a.threads || [];
      if (!threads.length) nodes.push(h("p", { class: "none" }, "No messages yet."));
      nodes.push(h("ul", {}, threads.map((t) => {
        const last = t.messages[t.messages.length - 1];
        const current = p.id === ui.sel.project && a.id === ui.sel.app && t.key === ui.sel.thread;
        return h("li", {}, h("button", {
          class: "thread-link", "aria-current": current ? "true" : "false", dataset: { thread: t.key },
          onclick: () => select(p.id, a.id, t.key),
        }, h("span", { class: "name" }, t.name), h("span", { class: "preview" }, last ? (last.direction === "TO_APP" ? "↩ " : "") + summary(last) : "")));
      })));
    }
  }
  side.replaceChildren(...nodes);
}

// summary is a one-line description of a message, for the thread list.
function summary(m) {
  const c = parse(m.content), k = m.kind, v = c[k] || {};
  switch (k) {
    case "text_message": return v.text || "";
    case "card_message": return "Card: " + (v.title || "");
    case "carousel_message": return `Carousel of ${(v.cards || []).length} cards`;
    case "choice_message": return ((v.text_message || {}).text || "Choices");
    case "list_message": return "List: " + (v.title || "");
    case "media_message": return "Media: " + (v.url || "");
    case "location_message": return "Location: " + (v.title || v.label || "");
    case "choice_response_message": return "Chose " + (v.postback_data || "");
    case "contact_info_message": return "Contact: " + ((v.name || {}).full_name || "");
    case "template_message": return "Template " + (((v.omni_template || {}).template_id) || "");
    case "composing_event": return "typing…";
    default: return k.replace(/_/g, " ");
  }
}

// ---- thread ----

function drawThread() {
  const box = $("#thread");
  const found = findThread();
  if (!found) {
    ui.threadSig = ""; ui.composerFor = "";
    box.replaceChildren(h("p", { class: "empty" }, "Send a message through the API, or inject one from a contact, and its thread appears here."));
    return;
  }
  const { project, app, thread } = found;
  const key = `${project}/${app.id}/${thread.key}`;
  const sig = key + JSON.stringify(thread.messages) + JSON.stringify(ui.shownChannel) + [...ui.openPaths].join();
  if (sig === ui.threadSig) return;
  ui.threadSig = sig;
  let list = $(".messages", box);
  const stick = !list || list.scrollTop + list.clientHeight >= list.scrollHeight - 40 || ui.composerFor !== key;
  if (ui.composerFor !== key) {
    list = h("div", { class: "messages", role: "log", "aria-live": "polite", "aria-label": "Messages, newest last" });
    box.replaceChildren(
      h("header", { class: "thread-head" },
        h("button", { class: "back secondary", type: "button", "aria-label": "Back to threads", onclick: () => $("#view-threads").classList.remove("open") }, "←"),
        h("div", {}, h("h2", {}, thread.name), h("div", { class: "ids" }, thread.identities.map((i) => `${chan(i.channel)} ${i.identity}`).join(" · ")))),
      list, composer(project, app, thread));
    ui.composerFor = key;
  } else {
    updateComposerChannels(thread);
  }
  // A live update redraws the messages: keep the keyboard focus on the same control.
  const focused = list.contains(document.activeElement) ? focusKey(document.activeElement) : null;
  list.replaceChildren(...thread.messages.map((m) => drawMessage(project, app, thread, m)));
  if (focused) {
    const again = [...list.querySelectorAll("button, a, summary")].find((el) => focusKey(el) === focused);
    if (again) again.focus({ preventScroll: true });
  }
  if (stick) list.scrollTop = list.scrollHeight;
}

// focusKey names a control inside a message so that it can be found again after a redraw.
function focusKey(el) {
  const msg = el.closest(".msg");
  if (!msg) return null;
  const same = [...msg.querySelectorAll(el.tagName)].indexOf(el);
  return `${msg.dataset.messageId}/${el.tagName}/${el.dataset.postback || el.dataset.channel || ""}/${same}`;
}

function drawMessage(project, app, thread, m) {
  const content = parse(m.content);
  if (m.event) {
    const who = m.direction === "TO_APP" ? thread.name : (app.display_name || "The app");
    const what = m.kind === "composing_event" ? "is typing…" : m.kind === "composing_end_event" ? "stopped typing" : "sent " + m.kind.replace(/_/g, " ");
    return h("div", { class: "msg note", dataset: { messageId: m.id, kind: m.kind } }, `${who} ${what} · ${chan(m.channel)} · ${time(m.at)}`);
  }
  if (m.direction === "TO_APP") {
    return h("div", { class: "msg to-app", dataset: { messageId: m.id, kind: m.kind, channel: m.channel } },
      drawContactContent(m.kind, content[m.kind] || {}, thread),
      h("div", { class: "meta" }, h("span", { class: "badge " + m.channel }, chan(m.channel)), time(m.at)));
  }
  const renderings = m.renderings || [];
  const shown = ui.shownChannel[m.id] || m.channel || (renderings[0] || {}).channel;
  const r = renderings.find((x) => x.channel === shown) || renderings[0] || { channel: shown, native: true };
  const act = { project, app, thread, message: m, channel: m.channel, identity: m.identity };
  const body = r.native === false || r.form === "text" && m.kind !== "text_message" ? drawPlain(r) : drawRich(r.channel, r.form, m.kind, content[m.kind] || {}, act, content);
  const sw = renderings.length > 1 ? h("span", { class: "switch", role: "group", "aria-label": "Show as this channel shows it" }, "as ", renderings.map((x) =>
    h("button", { type: "button", "aria-pressed": x.channel === r.channel ? "true" : "false", dataset: { channel: x.channel },
      title: `Show as ${chan(x.channel)} shows it`, onclick: () => { ui.shownChannel[m.id] = x.channel; drawThread(); } }, chan(x.channel)))) : null;
  return h("div", { class: "msg to-contact", dataset: { messageId: m.id, kind: m.kind, channel: r.channel, status: m.status || "" } },
    h("div", { class: "meta" }, sw || h("span", { class: "badge " + r.channel, "aria-label": "shown as on " + chan(r.channel) }, chan(r.channel))),
    body, drawPath(m));
}

function drawPlain(r) {
  const meta = r.encoding ? `${r.encoding} · ${r.parts || 1} part${(r.parts || 1) === 1 ? "" : "s"}` : "plain text";
  return [h("div", { class: "bubble", dataset: { plain: "true" } }, r.text || ""),
    r.error ? h("div", { class: "reason" }, r.error) : null,
    h("div", { class: "sms-meta", dataset: { encoding: r.encoding || "", parts: r.parts || "" } }, `${chan(r.channel)}: ${meta}`)];
}

// chipForms are the transcoder's forms whose choices a channel shows as suggestion chips.
const CHIP_FORMS = new Set(["rich_card", "carousel", "text_with_suggestions"]);

// drawRich draws an app message as a rich channel shows it, in the form the transcoder chose
// (a choice message is buttons on WhatsApp, or a list past three choices; suggestion chips on
// RCS).
function drawRich(channel, form, kind, v, act, content) {
  const chips = CHIP_FORMS.has(form) || (!form && CHIP_CHANNELS.has(channel));
  switch (kind) {
    case "text_message": return h("div", { class: "bubble" }, v.text || "");
    case "card_message": return card(channel, v, act, chips);
    case "carousel_message":
      return [h("div", { class: "carousel", role: "group", "aria-label": "Carousel" }, (v.cards || []).map((c) => card(channel, c, act, chips))),
        choices(v.choices, act, chips)];
    case "choice_message": {
      const text = (v.text_message || {}).text || "";
      if (form === "list") { // e.g. WhatsApp past three replies: a menu of rows
        return h("div", { class: "rich" }, h("div", { class: "body" }, text),
          h("ul", { class: "list-items", "aria-label": "Menu" }, (v.choices || []).map((c) => h("li", {}, choiceButton(c, act)))));
      }
      if (chips) return [h("div", { class: "bubble" }, text), choices(v.choices, act, true)];
      return h("div", { class: "rich" }, h("div", { class: "body" }, text), choices(v.choices, act, false));
    }
    case "list_message":
      return h("div", { class: "rich" },
        h("div", { class: "body" }, h("div", { class: "title" }, v.title || ""), v.description ? h("div", { class: "desc" }, v.description) : null),
        (v.sections || []).map((s) => h("ul", { class: "list-items", "aria-label": s.title || "Items" }, s.title ? h("h4", {}, s.title) : null,
          (s.items || []).map((it) => h("li", {}, it.choice ? h("button", { type: "button", dataset: { postback: it.choice.postback_data || it.choice.title },
            onclick: () => replyChoice(act, it.choice.postback_data || it.choice.title, it.choice.title) }, it.choice.title, it.choice.description ? h("small", {}, it.choice.description) : null)
            : h("span", {}, "Product " + ((it.product || {}).id || "")))))));
    case "media_message": return drawMedia(v);
    case "location_message": return drawLocation(v);
    case "contact_info_message": return contactInfo(v);
    case "template_message": {
      const t = v.omni_template || {};
      const ch = (v.channel_template || {})[channel];
      return h("div", { class: "rich" }, h("div", { class: "body" }, h("div", { class: "title" }, "Template " + (ch ? ch.template_id : t.template_id || "")),
        h("div", { class: "desc" }, [ch ? `channel template for ${chan(channel)}` : `version ${t.version || "latest"}`, t.language_code].filter(Boolean).join(" · ")),
        Object.keys(t.parameters || {}).length ? h("dl", { class: "kv" }, Object.entries(t.parameters).map(([k, x]) => [h("dt", {}, k), h("dd", {}, x)])) : null));
    }
    default:
      return h("pre", { class: "json" }, JSON.stringify(content, null, 2));
  }
}

function card(channel, v, act, chips) {
  const m = v.media_message || {};
  return h("div", { class: "rich card", dataset: { title: v.title || "" } },
    m.url ? (isImage(m.url) ? h("img", { src: m.url, alt: v.title ? "Image for " + v.title : "Card image", loading: "lazy" }) : h("a", { href: m.url, target: "_blank", rel: "noopener" }, m.url)) : null,
    h("div", { class: "body" }, h("div", { class: "title" }, v.title || ""), v.description ? h("div", { class: "desc" }, v.description) : null),
    v.choices && v.choices.length ? (chips ? h("div", { class: "body chipsrow" }, v.choices.map((c) => choiceButton(c, act))) : choices(v.choices, act, false)) : null);
}

// choices draws the choices of a message as suggestion chips or as buttons.
function choices(list, act, chips) {
  if (!list || !list.length) return null;
  if (chips) return h("div", { class: "chipsrow", role: "group", "aria-label": "Suggestions" }, list.map((c) => choiceButton(c, act)));
  return h("div", { class: "buttons", role: "group", "aria-label": "Replies" }, list.map((c) => choiceButton(c, act)));
}

function choiceButton(c, act) {
  if (c.url_message) return h("a", { href: c.url_message.url, target: "_blank", rel: "noopener" }, "↗ " + (c.url_message.title || c.url_message.url));
  if (c.call_message) return h("a", { href: "tel:" + c.call_message.phone_number }, "☏ " + (c.call_message.title || c.call_message.phone_number));
  if (c.location_message) return h("a", { href: mapURL(c.location_message), target: "_blank", rel: "noopener" }, "⌖ " + (c.location_message.title || "Location"));
  const title = (c.text_message && c.text_message.text) || (c.calendar_message && c.calendar_message.title) ||
    (c.share_location_message && c.share_location_message.title) || c.postback_data || "Choice";
  // The contact's choice_response_message carries the choice's postback_data (its text when
  // it has none, so that a reply is never empty).
  const postback = c.postback_data || title;
  return h("button", { type: "button", dataset: { postback }, onclick: () => replyChoice(act, postback, title) }, title);
}

function isImage(url) { return /\.(png|jpe?g|gif|webp|svg|bmp|avif)(\?|#|$)/i.test(url); }
function mapURL(l) {
  const c = l.coordinates || {};
  return `https://www.openstreetmap.org/?mlat=${encodeURIComponent(c.latitude)}&mlon=${encodeURIComponent(c.longitude)}#map=16/${encodeURIComponent(c.latitude)}/${encodeURIComponent(c.longitude)}`;
}
function drawMedia(v) {
  const url = v.url || "";
  return h("div", { class: "rich media" }, isImage(url)
    ? h("img", { src: url, alt: v.filename_override || "Image", loading: "lazy" })
    : h("div", { class: "body" }, "Attachment: ", h("a", { href: url, target: "_blank", rel: "noopener" }, v.filename_override || url)));
}
function drawLocation(v) {
  const c = v.coordinates || {};
  return h("div", { class: "rich location" }, h("div", { class: "body" }, h("div", { class: "title" }, "⌖ " + (v.title || "Location")),
    v.label ? h("div", { class: "desc" }, v.label) : null, h("div", { class: "desc" }, `${c.latitude}, ${c.longitude}`),
    h("a", { href: mapURL(v), target: "_blank", rel: "noopener" }, "Open map")));
}
function contactInfo(v) {
  const rows = [];
  if (v.name) rows.push(["Name", v.name.full_name || [v.name.first_name, v.name.last_name].filter(Boolean).join(" ")]);
  for (const p of v.phone_numbers || []) rows.push(["Phone", p.phone_number + (p.type ? ` (${p.type})` : "")]);
  for (const e of v.email_addresses || []) rows.push(["Email", e.email_address]);
  if (v.organization) rows.push(["Organization", v.organization.company || ""]);
  return h("div", { class: "rich" }, h("div", { class: "body" }, h("dl", { class: "kv" }, rows.map(([k, x]) => [h("dt", {}, k), h("dd", {}, x)]))));
}

// choiceTitle finds the title of the choice a contact picked, in the message that offered it.
function choiceTitle(thread, messageID, postback) {
  const m = thread && thread.messages.find((x) => x.id === messageID);
  if (!m) return "";
  let found = "";
  const visit = (v) => {
    if (found || !v || typeof v !== "object") return;
    if (Array.isArray(v)) { v.forEach(visit); return; }
    if (v.postback_data === postback) {
      found = (v.text_message && v.text_message.text) || v.title || (v.calendar_message && v.calendar_message.title) || "";
    }
    Object.values(v).forEach(visit);
  };
  visit(parse(m.content));
  return found;
}

function drawContactContent(kind, v, thread) {
  switch (kind) {
    case "text_message": return h("div", { class: "bubble" }, v.text || "");
    case "choice_response_message": {
      const title = choiceTitle(thread, v.message_id, v.postback_data);
      return h("div", { class: "bubble", dataset: { postback: v.postback_data } }, "↩ " + (title || v.postback_data || ""),
        title ? h("small", { class: "postback" }, "\npostback_data: " + v.postback_data) : null);
    }
    case "media_message": return h("div", { class: "bubble" }, "Attachment: ", h("a", { href: v.url, target: "_blank", rel: "noopener" }, v.url));
    case "location_message": return h("div", { class: "bubble" }, "⌖ ", h("a", { href: mapURL(v), target: "_blank", rel: "noopener" }, v.title || "Location"));
    case "media_card_message": return h("div", { class: "bubble" }, h("a", { href: v.url, target: "_blank", rel: "noopener" }, v.url), v.caption ? "\n" + v.caption : "");
    default: return h("div", { class: "bubble" }, summary({ kind, content: { [kind]: v } }));
  }
}

const STATUS_TEXT = { QUEUED: "queued", QUEUED_ON_CHANNEL: "queued on", SWITCHING_CHANNEL: "switching from", DELIVERED: "delivered on", READ: "read on", FAILED: "failed on" };
function drawPath(m) {
  const path = m.path || [];
  const last = path[path.length - 1];
  const status = m.status || "QUEUED";
  const label = [h("span", { class: "st " + status }, (STATUS_TEXT[status] || status.toLowerCase())), last && last.channel ? " " + chan(last.channel) : "",
    last && last.reason ? h("span", { class: "reason" }, ` · ${last.reason}`) : null, " · " + time(m.at)];
  const details = h("details", { class: "path", "data-testid": "path", open: ui.openPaths.has(m.id),
    ontoggle: (e) => { if (e.target.open) ui.openPaths.add(m.id); else ui.openPaths.delete(m.id); } },
    h("summary", { "aria-label": "Delivery path" }, label),
    h("ol", {}, path.length ? path.map((s) => h("li", { dataset: { status: s.status } }, `${time(s.at)} `, h("span", { class: "st " + s.status }, s.status), s.channel ? ` ${chan(s.channel)} ${s.identity || ""}` : "",
      s.reason ? h("div", { class: "reason" }, `${s.reason}${s.reason_description ? ": " + s.reason_description : ""}`) : null))
      : h("li", {}, "accepted, waiting for the channel")));
  return details;
}

// ---- replying as the contact ----

function composer(project, app, thread) {
  const sel = h("select", { id: "reply-channel", "aria-label": "Reply from" });
  const text = h("input", { id: "reply-text", type: "text", placeholder: `Reply as ${thread.name}`, "aria-label": "Reply text", autocomplete: "off" });
  const extra = h("div", { class: "row extra", id: "reply-extra", hidden: true });
  const form = h("form", { class: "composer", "aria-label": "Reply as the contact", onsubmit: async (e) => {
    e.preventDefault();
    const t = text.value.trim();
    if (!t) return;
    if (await sendInbound({ text_message: { text: t } })) text.value = "";
  } },
  h("div", { class: "row" }, sel, text, h("button", { type: "submit" }, "Send")),
  h("div", { class: "row" },
    h("button", { type: "button", class: "secondary", onclick: () => sendEvent({ composing_event: {} }) }, "Typing…"),
    h("button", { type: "button", class: "secondary", "aria-expanded": "false", "aria-controls": "reply-extra", onclick: (e) => {
      extra.hidden = !extra.hidden; e.target.setAttribute("aria-expanded", String(!extra.hidden)); } }, "Location or media…")),
  extra);
  extra.append(
    h("input", { id: "reply-lat", type: "text", inputmode: "decimal", placeholder: "latitude", "aria-label": "Latitude", size: 9 }),
    h("input", { id: "reply-lon", type: "text", inputmode: "decimal", placeholder: "longitude", "aria-label": "Longitude", size: 9 }),
    h("button", { type: "button", class: "secondary", onclick: async () => {
      const lat = parseFloat($("#reply-lat").value), lon = parseFloat($("#reply-lon").value);
      if (!isFinite(lat) || !isFinite(lon)) { toast("Give a latitude and a longitude as numbers."); return; }
      await sendInbound({ location_message: { coordinates: { latitude: lat, longitude: lon }, title: "Shared location" } });
    } }, "Send location"),
    h("input", { id: "reply-media", type: "url", placeholder: "https://example.com/photo.jpg", "aria-label": "Media URL" }),
    h("button", { type: "button", class: "secondary", onclick: async () => {
      const url = $("#reply-media").value.trim();
      if (!/^https?:\/\//.test(url)) { toast("Give a media URL starting with http:// or https://."); return; }
      await sendInbound({ media_message: { url } });
    } }, "Send media"));
  setTimeout(() => updateComposerChannels(thread));
  return form;
}

// updateComposerChannels offers the thread's identities, keeping the one chosen, else the
// channel of the newest message.
function updateComposerChannels(thread) {
  const sel = $("#reply-channel");
  if (!sel) return;
  const keep = sel.value;
  const opts = thread.identities.map((i) => `${i.channel}\u0000${i.identity}`);
  if (sel.dataset.opts === opts.join("\n")) return;
  sel.dataset.opts = opts.join("\n");
  const newest = [...thread.messages].reverse().find((m) => m.channel);
  sel.replaceChildren(...thread.identities.map((i) => h("option", { value: `${i.channel}\u0000${i.identity}` }, `${chan(i.channel)} ${i.identity}`)));
  if (opts.includes(keep)) sel.value = keep;
  else if (newest) sel.value = `${newest.channel}\u0000${newest.identity}`;
}

function replyFrom() {
  const found = findThread();
  const v = ($("#reply-channel") || {}).value || "";
  const [channel, identity] = v.split("\u0000");
  return found && channel ? { project: found.project, app: found.app.id, channel, identity } : null;
}

async function sendInbound(contactMessage, from = replyFrom()) {
  if (!from) { toast("This thread has no identity to reply from."); return false; }
  try {
    await call("POST", API.inbound(from.project, "messages"), { app_id: from.app, channel: from.channel, identity: from.identity, contact_message: contactMessage });
    return true;
  } catch (e) { toast("The reply was refused: " + e.message); return false; }
}

async function sendEvent(contactEvent) {
  const from = replyFrom();
  if (!from) { toast("This thread has no identity to reply from."); return; }
  try {
    await call("POST", API.inbound(from.project, "events"), { app_id: from.app, channel: from.channel, identity: from.identity, contact_event: contactEvent });
  } catch (e) { toast("The event was refused: " + e.message); }
}

// replyChoice taps a choice: the contact answers on the channel the message was delivered on.
function replyChoice(act, postback, title) {
  return sendInbound({ choice_response_message: { message_id: act.message.id, postback_data: postback } },
    { project: act.project, app: act.app.id, channel: act.channel, identity: act.identity });
}

// ---- callbacks ----

function messageIDs(body) {
  const b = parse(body), ids = [];
  for (const k of ["message_delivery_report", "message_submit_notification", "event_delivery_report"]) {
    if (b[k]) ids.push(b[k].message_id, b[k].event_id);
  }
  if (b.message) ids.push(b.message.id, ((b.message.contact_message || {}).choice_response_message || {}).message_id);
  if (b.event) ids.push(b.event.id);
  return ids.filter(Boolean);
}

function drawCallbacks() {
  const form = $("#cb-filter");
  const f = Object.fromEntries(new FormData(form));
  fillSelect(form.elements.app, apps().map(({ app }) => [app.id, app.display_name ? `${app.display_name} (${app.id})` : app.id]));
  fillSelect(form.elements.webhook, apps().flatMap(({ app }) => (app.webhooks || []).map((w) => [w.id, `${w.id} → ${w.target}`])).concat([["callback_url", "a message's callback_url"]]));
  fillSelect(form.elements.trigger, [...new Set(ui.callbacks.map((c) => c.trigger))].sort().map((t) => [t, t]));
  const recs = ui.callbacks.filter((c) => (!f.app || c.app_id === f.app) && (!f.webhook || c.webhook_id === f.webhook) &&
    (!f.trigger || c.trigger === f.trigger) && (!f.message || messageIDs(c.body).some((id) => id.includes(f.message.trim())))).reverse();
  const list = $("#cb-list");
  if (!recs.length) { list.replaceChildren(h("li", { class: "empty-note" }, ui.callbacks.length ? "No callback matches the filter." : "No callbacks yet. Create a webhook for an app, then send a message.")); return; }
  list.replaceChildren(...recs.slice(0, 300).map(drawCallback));
}

function fillSelect(sel, options) {
  const keep = sel.value;
  const sig = JSON.stringify(options);
  if (sel.dataset.sig === sig) return;
  sel.dataset.sig = sig;
  sel.replaceChildren(h("option", { value: "" }, "all"), ...options.map(([v, label]) => h("option", { value: v }, label)));
  sel.value = options.some(([v]) => v === keep) ? keep : "";
}

function drawCallback(c) {
  const attempts = c.attempts || [];
  const last = attempts[attempts.length - 1];
  const headers = attempts.length ? attempts[attempts.length - 1].headers || {} : {};
  return h("li", { class: "cb-item", dataset: { callbackId: c.id, trigger: c.trigger, state: c.state } },
    h("details", { open: ui.openCallbacks.has(c.id), ontoggle: (e) => { if (e.target.open) ui.openCallbacks.add(c.id); else ui.openCallbacks.delete(c.id); } },
      h("summary", {}, h("span", { class: "trigger" }, c.trigger), h("span", { class: "state " + c.state }, c.state),
        h("span", {}, `${attempts.length} attempt${attempts.length === 1 ? "" : "s"}${last && last.status_code ? " · last " + last.status_code : ""}`),
        h("span", { class: "target" }, `${c.webhook_id} → ${c.target}`), h("span", { class: "target" }, time(c.created_at))),
      h("div", { class: "cb-body" },
        h("h4", {}, "Delivery attempts"),
        attempts.length ? h("table", { class: "attempts" }, h("thead", {}, h("tr", {}, h("th", {}, "#"), h("th", {}, "At"), h("th", {}, "Status"), h("th", {}, "Latency"), h("th", {}, "Error"))),
          h("tbody", {}, attempts.map((a, i) => h("tr", { dataset: { status: a.status_code || 0 } }, h("td", {}, i + 1), h("td", {}, time(a.at)), h("td", {}, a.status_code || "none"),
            h("td", {}, `${(a.duration_ns / 1e6).toFixed(1)} ms`), h("td", { class: a.error ? "err" : "" }, a.error || "")))))
          : h("p", { class: "empty-note" }, "Not tried yet."),
        h("h4", {}, "Signed headers"),
        Object.keys(headers).length ? h("table", {}, h("tbody", {}, Object.entries(headers).sort().map(([k, v]) => h("tr", {}, h("th", {}, k), h("td", {}, v)))))
          : h("p", { class: "empty-note" }, "None: the webhook has no secret."),
        h("h4", {}, "Body"),
        h("pre", { class: "json" }, JSON.stringify(parse(c.body), null, 2)),
        h("p", {}, h("button", { type: "button", class: "secondary", onclick: async () => {
          try { await call("POST", API.resend(c.id)); toast("Sent again as a new callback."); } catch (e) { toast("Resend failed: " + e.message); }
        } }, "Resend")))));
}

// ---- controls ----

async function loadControls() {
  try {
    const [f, u] = await Promise.all([call("GET", API.faults), call("GET", API.unreachable)]);
    const form = $("#faults");
    if (!form.contains(document.activeElement)) {
      for (const k of ["rate_429", "rate_503", "drop_rate", "latency"]) form.elements[k].value = f[k];
    }
    $("#unreachable-list").replaceChildren(...(u.identities || []).map((i) => h("li", {}, `${chan(i.channel)} ${i.identity}`,
      h("button", { type: "button", "aria-label": `Make ${i.identity} on ${chan(i.channel)} reachable again`, onclick: () => setUnreachable((u.identities || []).filter((x) => x !== i)) }, "×"))));
    ui.unreachable = u.identities || [];
  } catch (e) { toast("Could not read the controls: " + e.message); }
}

async function setUnreachable(list) {
  const out = $("#unreachable").elements.result;
  try { await call("PUT", API.unreachable, { identities: list }); out.value = "saved"; out.className = ""; }
  catch (e) { out.value = e.message; out.className = "bad"; }
  loadControls();
}

async function advanceClock(duration) {
  const out = $("#clock-form").elements.result;
  try {
    await call("POST", API.clockAdvance, { duration });
    out.value = "advanced " + duration; out.className = "";
  } catch (e) {
    out.value = e.status === 404 ? "this emulator has no clock control" : e.message; out.className = "bad";
  }
  scheduleRefresh();
}

function setupControls() {
  const ch = $("#unreachable").elements.channel;
  ch.replaceChildren(...CHANNELS.map((c) => h("option", { value: c }, chan(c))));
  $("#faults").addEventListener("submit", async (e) => {
    e.preventDefault();
    const el = e.target.elements, out = el.result;
    try {
      await call("PUT", API.faults, { rate_429: +el.rate_429.value, rate_503: +el.rate_503.value, drop_rate: +el.drop_rate.value, latency: el.latency.value.trim() });
      out.value = "applied"; out.className = "";
    } catch (err) { out.value = err.message; out.className = "bad"; }
  });
  $("#unreachable").addEventListener("submit", (e) => {
    e.preventDefault();
    const el = e.target.elements;
    setUnreachable([...(ui.unreachable || []), { channel: el.channel.value, identity: el.identity.value.trim() }]);
    el.identity.value = "";
  });
  $("#clock-form").addEventListener("submit", (e) => { e.preventDefault(); advanceClock(e.target.elements.duration.value.trim()); });
  for (const b of document.querySelectorAll("[data-advance]")) b.addEventListener("click", () => advanceClock(b.dataset.advance));
  $("#reset").addEventListener("click", async (e) => {
    const out = $("#reset-result");
    if (!ui.resetArmed) { ui.resetArmed = true; e.target.textContent = "Click again to reset everything"; setTimeout(() => { ui.resetArmed = false; e.target.textContent = "Reset the emulator"; }, 4000); return; }
    ui.resetArmed = false; e.target.textContent = "Reset the emulator";
    try { await call("POST", API.reset); out.value = "reset"; ui.shownChannel = {}; ui.openPaths.clear(); } catch (err) { out.value = err.message; }
  });
}

// ---- tabs ----

function showView(name, focus) {
  ui.view = name;
  for (const tab of document.querySelectorAll("[role=tab]")) {
    const on = tab.dataset.view === name;
    tab.setAttribute("aria-selected", String(on));
    tab.tabIndex = on ? 0 : -1;
    if (on && focus) tab.focus();
    $("#" + tab.getAttribute("aria-controls")).hidden = !on;
  }
  if (name === "controls") loadControls();
}

function setupTabs() {
  const tabs = [...document.querySelectorAll("[role=tab]")];
  for (const tab of tabs) {
    tab.addEventListener("click", () => showView(tab.dataset.view));
    tab.addEventListener("keydown", (e) => {
      const i = tabs.indexOf(tab);
      const next = e.key === "ArrowRight" ? tabs[(i + 1) % tabs.length] : e.key === "ArrowLeft" ? tabs[(i + tabs.length - 1) % tabs.length] : null;
      if (next) { e.preventDefault(); showView(next.dataset.view, true); }
    });
  }
  $("#cb-filter").addEventListener("input", drawCallbacks);
  $("#cb-filter").addEventListener("submit", (e) => e.preventDefault());
}

setupTabs();
setupControls();
connect();
scheduleRefresh();
