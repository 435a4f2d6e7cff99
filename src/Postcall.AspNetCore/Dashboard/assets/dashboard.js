// The conversation browser. Plain DOM, no dependencies: it must work offline and with a strict CSP.
// Every value from the API reaches the page through textContent, never as HTML.
"use strict";

const KEY_STORAGE = "postcall.apiKey";
const POLL_MS = 1000;
const PAGE_SIZE = 50;

const state = { items: [], next: null, selected: null, pollTimer: null, searchTimer: null, generation: 0 };
const $ = (id) => document.getElementById(id);

// ---------- small helpers ----------

function h(tag, attributes, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes || {})) {
    if (value === null || value === undefined || value === false) continue;
    if (name === "class") element.className = value;
    else if (name.startsWith("on")) element.addEventListener(name.slice(2), value);
    else element.setAttribute(name, value === true ? "" : value);
  }
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    element.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return element;
}

const dateTime = new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeStyle: "short" });
const timeOnly = new Intl.DateTimeFormat(undefined, { timeStyle: "short" });

function when(iso) {
  const date = new Date(iso);
  const today = new Date();
  return date.toDateString() === today.toDateString() ? `Today ${timeOnly.format(date)}` : dateTime.format(date);
}

function clock(seconds) {
  const s = Math.max(0, Math.round(seconds));
  const hours = Math.floor(s / 3600);
  const mm = String(Math.floor((s % 3600) / 60)).padStart(hours ? 2 : 1, "0");
  const ss = String(s % 60).padStart(2, "0");
  return hours ? `${hours}:${mm}:${ss}` : `${mm}:${ss}`;
}

function duration(seconds) {
  if (seconds === null || seconds === undefined) return null;
  return seconds < 60 ? `${seconds} s` : `${Math.floor(seconds / 60)} min ${seconds % 60} s`;
}

function outcomeBadge(c) {
  if (c.status === "initiation_failed") return h("span", { class: "badge warn" }, "Never connected");
  switch (c.call_successful) {
    case "success": return h("span", { class: "badge ok" }, "Successful");
    case "failure": return h("span", { class: "badge bad" }, "Unsuccessful");
    case "unknown": return h("span", { class: "badge" }, "Unknown outcome");
    default: return h("span", { class: "badge" }, c.has_transcription ? "No analysis" : c.has_audio ? "Recording only" : "Other event");
  }
}

function resultBadge(result) {
  const kind = { success: "ok", failure: "bad" }[result] || "";
  return h("span", { class: `badge result ${kind}` }, result || "unknown");
}

// Wraps each searched word found in text in <mark>, as text nodes only.
function highlighted(text, query) {
  const words = (query || "").split(/\s+/).filter((w) => w.length > 1).map((w) => w.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"));
  if (!words.length) return [text];
  const parts = text.split(new RegExp(`(${words.join("|")})`, "gi"));
  return parts.map((part, i) => (i % 2 ? h("mark", null, part) : part));
}

// ---------- API ----------

class Unauthorized extends Error {}

async function api(path, options = {}) {
  const response = await fetch(path, {
    ...options,
    headers: { Authorization: `Bearer ${sessionStorage.getItem(KEY_STORAGE) || ""}`, Accept: "application/json", ...options.headers },
    cache: "no-store",
  });
  if (response.status === 401) throw new Unauthorized();
  const body = await response.json().catch(() => null);
  if (!response.ok) throw new Error(body?.message || `The server answered ${response.status}.`);
  return body.data;
}

function listQuery(cursor, limit = PAGE_SIZE) {
  const params = new URLSearchParams();
  for (const [name, value] of new FormData($("filters"))) if (value) params.set(name, value);
  params.set("limit", String(limit));
  if (cursor) params.set("cursor", cursor);
  return `/api/conversations?${params}`;
}

// ---------- session ----------

function showLogin(message) {
  $("webhook-banner").hidden = true;
  stopPolling();
  sessionStorage.removeItem(KEY_STORAGE);
  $("browser").hidden = true;
  $("destinations-page").hidden = true;
  $("session").hidden = true;
  $("login").hidden = false;
  $("login-error").hidden = !message;
  $("login-error").textContent = message || "";
  $("api-key").value = "";
  $("api-key").focus();
}

async function signIn(event) {
  event.preventDefault();
  sessionStorage.setItem(KEY_STORAGE, $("api-key").value.trim());
  try {
    await api("/api/conversations?limit=1");
    start();
  } catch (error) {
    showLogin(error instanceof Unauthorized ? "That key was not accepted." : error.message);
  }
}

function start() {
  $("login").hidden = true;
  $("session").hidden = false;
  checkWebhooks();
  reload();
  route();
  startPolling();
}

function handle(error) {
  if (error instanceof Unauthorized) showLogin("Your key is no longer accepted. Enter it again.");
  else $("list-status").textContent = error.message;
}

// ---------- list ----------

function renderItem(c, fresh) {
  const query = $("q").value;
  const text = c.snippet || c.summary || (c.failure_reason ? `Call did not connect: ${c.failure_reason}` : "No transcript yet");
  const meta = [
    c.agent_id && `Agent ${c.agent_id}`,
    duration(c.duration_secs),
    c.has_audio && "Recording",
    c.has_transcription && "Transcript",
    ...(c.other_payloads || []).map((p) => p.event_type),
  ].filter(Boolean);
  return h("li", null, h("a", {
    class: `conversation${fresh ? " fresh" : ""}`,
    href: `#/c/${encodeURIComponent(c.conversation_id)}`,
    "data-id": c.conversation_id,
    "data-testid": "conversation",
    "aria-current": state.selected === c.conversation_id ? "true" : "false",
  },
  h("div", { class: "row" }, outcomeBadge(c), c.audio_missing && h("span", { class: "badge warn", "data-testid": "audio-missing" }, "Recording missing"),
    h("span", { class: "when" }, when(c.started_at))),
  h("p", { class: "summary-line" }, highlighted(text, query)),
  h("div", { class: "meta" }, meta.map((m) => h("span", null, m)))));
}

function renderList(freshIds = new Set()) {
  const list = $("conversations");
  list.replaceChildren(...state.items.map((c) => renderItem(c, freshIds.has(c.conversation_id))));
  $("load-more").hidden = !state.next;
  const active = [...new FormData($("filters")).entries()].filter(([name, value]) => name !== "q" && value).length;
  $("filter-count").textContent = active ? `(${active})` : "";
  const filtered = active > 0 || Boolean($("q").value);
  $("list-status").textContent = state.items.length
    ? `${state.items.length}${state.next ? "+" : ""} conversation${state.items.length === 1 ? "" : "s"}`
    : filtered ? "No conversation matches." : "No conversations yet. Deliveries appear here as they arrive.";
}

async function reload() {
  const generation = ++state.generation;
  try {
    const page = await api(listQuery());
    if (generation !== state.generation) return; // a newer search replaced this one
    state.items = page.conversations;
    state.next = page.next_cursor;
    renderList();
  } catch (error) {
    handle(error);
  }
}

async function loadMore() {
  try {
    const page = await api(listQuery(state.next));
    state.items.push(...page.conversations.filter((c) => !state.items.some((o) => o.conversation_id === c.conversation_id)));
    state.next = page.next_cursor;
    renderList();
  } catch (error) {
    handle(error);
  }
}

// New calls: fetch the first page again and put any conversation we have not shown on top.
async function poll() {
  const generation = state.generation;
  try {
    const page = await api(listQuery(null, 20));
    $("live").classList.remove("offline");
    if (generation !== state.generation) return;
    const known = new Map(state.items.map((c) => [c.conversation_id, c]));
    const fresh = page.conversations.filter((c) => !known.has(c.conversation_id));
    const changed = page.conversations.filter((c) => known.has(c.conversation_id) && JSON.stringify(known.get(c.conversation_id)) !== JSON.stringify(c));
    if (!fresh.length && !changed.length) return;
    for (const c of changed) state.items[state.items.findIndex((o) => o.conversation_id === c.conversation_id)] = c;
    state.items = [...fresh, ...state.items].sort((a, b) => (b.started_at > a.started_at ? 1 : b.started_at < a.started_at ? -1 : 0));
    renderList(new Set(fresh.map((c) => c.conversation_id)));
    if (changed.some((c) => c.conversation_id === state.selected)) showConversation(state.selected, { keepAudio: true });
  } catch (error) {
    if (error instanceof Unauthorized) handle(error);
    else $("live").classList.add("offline");
  }
}

function startPolling() {
  stopPolling();
  state.pollTimer = setInterval(() => { if (!document.hidden) poll(); }, POLL_MS);
}

function stopPolling() {
  clearInterval(state.pollTimer);
  state.pollTimer = null;
}

// ---------- one conversation ----------

function fact(label, value) {
  return value === null || value === undefined || value === "" ? null : h("div", null, h("dt", null, label), h("dd", null, value));
}

function section(title, ...content) {
  return h("section", { class: "card" }, h("h3", null, title), ...content);
}

function renderTranscript(turns, audio) {
  return h("ol", { class: "transcript", "data-testid": "transcript" }, turns.map((turn) => {
    const role = turn.role === "user" ? "user" : "agent";
    const time = turn.time_in_call_secs;
    const stamp = time === null || time === undefined ? null : h("button", {
      class: "time", type: "button", title: audio ? "Play from here" : null, disabled: !audio,
      onclick: () => { audio.currentTime = time; audio.play(); },
    }, clock(time));
    const tools = (Array.isArray(turn.tool_calls) ? turn.tool_calls : [])
      .map((call) => h("div", { class: "tool" }, `Tool call: ${call.tool_name || call.name || "tool"}`));
    return h("li", { class: `turn ${role}` },
      h("div", { class: "turn-meta" }, h("span", null, role === "user" ? "Caller" : "Agent"), stamp),
      turn.message ? h("div", { class: "bubble" }, turn.message) : null,
      tools);
  }));
}

function renderAnalysis(analysis) {
  if (!analysis) return [];
  const parts = [];
  if (analysis.summary) parts.push(section("Summary", h("p", { class: "summary-text" }, analysis.summary)));
  if (analysis.evaluation_criteria.length) {
    parts.push(section("Evaluation", h("ul", { class: "criteria" }, analysis.evaluation_criteria.map((c) =>
      h("li", null, h("div", { class: "row" }, h("strong", null, c.id), resultBadge(c.result)), c.rationale && h("p", null, c.rationale))))));
  }
  if (analysis.data_collection.length) {
    parts.push(section("Collected data", h("ul", { class: "criteria" }, analysis.data_collection.map((d) =>
      h("li", null, h("div", { class: "row" }, h("strong", null, d.id),
        h("span", { class: "data-value" }, d.value === null || d.value === undefined ? "—" : typeof d.value === "object" ? JSON.stringify(d.value) : String(d.value))),
      d.rationale && h("p", null, d.rationale))))));
  }
  return parts;
}

function renderFailure(failure) {
  const details = failure.details && typeof failure.details === "object" ? Object.entries(failure.details).filter(([, v]) => v !== "" && v !== null) : [];
  return h("section", { class: "card failure-card", "data-testid": "failure" },
    h("h3", null, "Call did not connect"),
    h("p", { class: "failure-reason" }, failure.reason || "Unknown reason"),
    failure.message && h("p", { class: "muted" }, failure.message),
    h("dl", { class: "kv" },
      failure.provider && [h("dt", null, "Provider"), h("dd", null, failure.provider)],
      details.map(([k, v]) => [h("dt", null, k), h("dd", null, typeof v === "object" ? JSON.stringify(v) : String(v))])));
}

async function download(path, name) {
  const response = await fetch(path, { headers: { Authorization: `Bearer ${sessionStorage.getItem(KEY_STORAGE)}` }, cache: "no-store" });
  if (!response.ok) return handle(response.status === 401 ? new Unauthorized() : new Error("Download failed."));
  const url = URL.createObjectURL(await response.blob());
  h("a", { href: url, download: name }).click();
  setTimeout(() => URL.revokeObjectURL(url), 10000);
}

async function remove(id) {
  if (!confirm(`Delete conversation ${id}? Its transcript, recording and failure report are removed from disk. This cannot be undone.`)) return;
  try {
    await api(`/api/conversations/${encodeURIComponent(id)}`, { method: "DELETE" });
    state.items = state.items.filter((c) => c.conversation_id !== id);
    renderList();
    location.hash = "#/";
  } catch (error) {
    handle(error);
  }
}

// The audio link carries a one-hour token; a page left open longer gets a fresh link when the player fails.
function renewOnError(audio, id) {
  let renewed = false;
  audio.addEventListener("error", async () => {
    if (renewed) return;
    renewed = true;
    try {
      const fresh = await api(`/api/conversations/${encodeURIComponent(id)}`);
      const at = audio.currentTime;
      audio.src = fresh.links.audio;
      audio.currentTime = at;
    } catch (error) {
      handle(error);
    }
  });
  return audio;
}

function renderDetail(d) {
  const c = d.conversation;
  const audio = d.links.audio
    ? renewOnError(h("audio", { controls: true, preload: "metadata", src: d.links.audio, "data-testid": "audio" }), c.conversation_id)
    : null;
  const metadata = d.metadata || {};
  const phone = metadata.phone_call || {};
  return h("article", { class: "detail" },
    h("header", { class: "detail-head" },
      h("a", { class: "button quiet back", href: "#/" }, "← All conversations"),
      h("div", { class: "title-row" }, h("h1", { class: "mono" }, c.conversation_id), outcomeBadge(c)),
      h("dl", { class: "facts" },
        fact("Started", when(c.started_at)),
        fact("Duration", duration(c.duration_secs)),
        fact("Agent", c.agent_id),
        fact("Caller", phone.external_number || c.user_id),
        fact("Status", c.status),
        fact("Ended because", metadata.termination_reason),
        fact("Received", when(c.received_at)))),
    audio && section("Recording", audio),
    c.audio_missing && section("Recording", h("p", { class: "muted", "data-testid": "audio-missing" },
      "The transcription says this call was recorded, but the recording has not arrived. ElevenLabs does not send audio again.")),
    d.failure && renderFailure(d.failure),
    renderAnalysis(d.analysis),
    d.transcript.length ? section("Transcript", renderTranscript(d.transcript, audio)) : null,
    forwardsCard(c.conversation_id),
    h("div", { class: "actions" },
      d.links.transcription && h("button", { class: "button", type: "button", onclick: () => download(d.links.transcription, `${c.conversation_id}_transcription.json`) }, "Download transcription JSON"),
      d.links.failure && h("button", { class: "button", type: "button", onclick: () => download(d.links.failure, `${c.conversation_id}_failure.json`) }, "Download failure JSON"),
      // Event types this version does not know: kept as received, one file each.
      Object.entries(d.links.other || {}).map(([type, link]) =>
        h("button", { class: "button", type: "button", "data-testid": "other-payload", onclick: () => download(link, `${c.conversation_id}_${type}.json`) }, `Download ${type} JSON`)),
      h("button", { class: "button danger", type: "button", onclick: () => remove(c.conversation_id) }, "Delete conversation")));
}

async function showConversation(id, { keepAudio = false } = {}) {
  const pane = $("detail");
  const playing = pane.querySelector("audio");
  if (keepAudio && playing && !playing.paused) return; // never interrupt someone listening
  state.selected = id;
  document.querySelectorAll(".conversation").forEach((a) => a.setAttribute("aria-current", String(a.dataset.id === id)));
  $("browser").classList.add("showing-detail");
  try {
    const detail = await api(`/api/conversations/${encodeURIComponent(id)}`);
    if (state.selected !== id) return;
    pane.replaceChildren(renderDetail(detail));
    if (!keepAudio) pane.scrollTop = 0;
  } catch (error) {
    if (error instanceof Unauthorized) return handle(error);
    pane.replaceChildren(h("div", { class: "empty-detail muted" }, error.message));
  }
}

function route() {
  const destinations = location.hash === "#/destinations";
  $("browser").hidden = destinations;
  $("destinations-page").hidden = !destinations;
  $("nav-calls").setAttribute("aria-current", String(!destinations));
  $("nav-destinations").setAttribute("aria-current", String(destinations));
  const match = location.hash.match(/^#\/c\/(.+)$/);
  if (destinations) {
    showDestinations();
  } else if (match) {
    showConversation(decodeURIComponent(match[1]));
  } else {
    state.selected = null;
    $("browser").classList.remove("showing-detail");
    $("detail").replaceChildren(h("div", { class: "empty-detail muted" }, "Choose a conversation to read its transcript and listen to the call."));
    document.querySelectorAll(".conversation").forEach((a) => a.setAttribute("aria-current", "false"));
  }
}

// ---------- wiring ----------

document.addEventListener("DOMContentLoaded", () => {
  $("login-form").addEventListener("submit", signIn);
  $("sign-out").addEventListener("click", () => showLogin());
  $("filters").addEventListener("submit", (e) => { e.preventDefault(); reload(); });
  $("filters").addEventListener("change", (e) => { if (e.target.name !== "q") reload(); });
  $("filters").addEventListener("reset", () => setTimeout(reload));
  $("q").addEventListener("input", () => { clearTimeout(state.searchTimer); state.searchTimer = setTimeout(reload, 250); });
  $("load-more").addEventListener("click", loadMore);
  window.addEventListener("hashchange", route);
  if (sessionStorage.getItem(KEY_STORAGE)) start(); else showLogin();
});
