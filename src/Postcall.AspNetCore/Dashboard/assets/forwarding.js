// Forwarding in the dashboard: where each conversation went, and the Destinations page with replay.
// Uses the helpers of dashboard.js (h, api, when, section, handle). Values reach the page as text only.
"use strict";

function forwardBadge(f) {
  if (f.status === "delivered") return h("span", { class: "badge ok" }, "Delivered");
  if (f.status === "dead") return h("span", { class: "badge bad" }, "Dead");
  return h("span", { class: "badge warn" }, f.attempts ? "Retrying" : "Pending");
}

function forwardLine(f) {
  if (f.status === "delivered") return `Delivered ${when(f.delivered_at)} after ${f.attempts} attempt${f.attempts === 1 ? "" : "s"}.`;
  const last = f.last_status_code ? `last answer ${f.last_status_code}` : f.last_error ? f.last_error : null;
  const next = f.next_attempt_at ? `next attempt ${when(f.next_attempt_at)}` : null;
  return [f.attempts ? `${f.attempts} attempt${f.attempts === 1 ? "" : "s"}` : "Not sent yet", last, next].filter(Boolean).join(" · ");
}

// Runs an admin action and says what happened next to the button; a read key is told it needs an admin key.
async function adminAction(button, path, options, done) {
  const note = button.parentElement.querySelector(".action-note") || button.parentElement.appendChild(h("span", { class: "action-note muted", role: "status" }));
  button.disabled = true;
  try {
    const data = await api(path, { method: "POST", ...options });
    note.textContent = "";
    await done(data);
  } catch (error) {
    if (error instanceof Unauthorized) return handle(error);
    note.textContent = error.message;
  } finally {
    button.disabled = false;
  }
}

function renderAttempts(list, attempts) {
  list.replaceChildren(...attempts.map((a) => h("li", { "data-testid": "attempt" },
    h("div", { class: "row" },
      h("span", { class: `badge ${a.succeeded ? "ok" : "bad"}` }, a.status_code ? String(a.status_code) : "no answer"),
      h("span", { class: "muted" }, `#${a.number} · ${when(a.started_at)}`)),
    a.error && h("p", { class: "muted" }, a.error),
    a.response && h("pre", { class: "answer" }, a.response))));
}

function renderForward(f, refresh) {
  const attempts = h("ol", { class: "attempts", hidden: true });
  const toggle = h("button", {
    class: "button quiet", type: "button", "aria-expanded": "false",
    onclick: async () => {
      const open = attempts.hidden;
      toggle.setAttribute("aria-expanded", String(open));
      attempts.hidden = !open;
      if (open) {
        try {
          renderAttempts(attempts, (await api(`/api/forwards/${encodeURIComponent(f.id)}`)).attempt_log || []);
        } catch (error) {
          handle(error);
        }
      }
    },
  }, `Attempts (${f.attempts})`);
  const retry = f.status !== "delivered" && h("button", {
    class: "button", type: "button", "data-testid": "retry-forward",
    onclick: (e) => adminAction(e.currentTarget, `/api/forwards/${encodeURIComponent(f.id)}/retry`, {}, refresh),
  }, "Retry now");
  return h("li", { class: "forward", "data-testid": "forward", "data-status": f.status },
    h("div", { class: "row" }, forwardBadge(f), h("span", { class: "mono" }, f.destination_id), h("span", { class: "muted" }, f.event_type)),
    h("p", { class: "muted forward-line" }, forwardLine(f)),
    h("div", { class: "actions" }, toggle, retry),
    attempts);
}

// The Forwards card of a conversation: filled after the rest of the conversation is shown.
function forwardsCard(conversationId) {
  const card = h("section", { class: "card", "data-testid": "forwards" }, h("h3", null, "Forwards"), h("p", { class: "muted" }, "Loading…"));
  const refresh = async () => {
    try {
      const data = await api(`/api/forwards?conversation=${encodeURIComponent(conversationId)}`);
      card.replaceChildren(h("h3", null, "Forwards"),
        data.forwards.length
          ? h("ul", { class: "forwards" }, data.forwards.map((f) => renderForward(f, refresh)))
          : h("p", { class: "muted" }, "Not forwarded: no destination takes this call."),
        h("div", { class: "actions" }, h("button", {
          class: "button quiet", type: "button",
          onclick: (e) => adminAction(e.currentTarget, `/api/conversations/${encodeURIComponent(conversationId)}/forward`, {}, refresh),
        }, "Forward again to every destination")));
    } catch (error) {
      if (error instanceof Unauthorized) return handle(error);
      card.replaceChildren(h("h3", null, "Forwards"), h("p", { class: "muted" }, error.message));
    }
  };
  refresh();
  return card;
}

// ---------- the Destinations page ----------

function destinationFacts(d) {
  const health = d.health || {};
  return h("dl", { class: "facts" },
    fact("Pending", String(health.pending ?? 0)),
    fact("Dead", String(health.dead ?? 0)),
    fact("Last success", health.last_success_at ? when(health.last_success_at) : "Never"),
    fact("Failing since", health.failing_since ? when(health.failing_since) : null),
    fact("Oldest pending", health.oldest_pending_at ? when(health.oldest_pending_at) : null),
    fact("Receives", d.kinds.join(", ")),
    fact("Agents", d.agent_ids.length ? d.agent_ids.join(", ") : "All"),
    fact("From", sourceText(d.source)));
}

function sourceText(source) {
  switch (source) {
    case "api": return "The API";
    case "environment": return "POSTCALL_FORWARD_URLS";
    case "handler": return "A handler in the app's code, called in process";
    default: return "No longer in POSTCALL_FORWARD_URLS";
  }
}

function renderDestination(d) {
  const dead = h("ul", { class: "forwards", hidden: true });
  const health = d.health || {};
  const path = `/api/destinations/${encodeURIComponent(d.id)}`;
  return h("article", { class: "card destination", "data-testid": "destination", "data-id": d.id },
    h("div", { class: "row" },
      h("h2", { class: "mono destination-url" }, d.url),
      h("span", { class: `badge ${d.enabled ? "ok" : "warn"}` }, d.enabled ? "Active" : "Paused"),
      d.source === "handler" && h("span", { class: "badge" }, "Handler"),
      health.failing_since && h("span", { class: "badge bad" }, "Failing")),
    h("p", { class: "muted mono" }, d.id),
    destinationFacts(d),
    replayForm(d, path),
    h("div", { class: "actions" },
      h("button", {
        class: "button", type: "button", "data-testid": "pause",
        onclick: (e) => adminAction(e.currentTarget, path, {
          method: "PATCH", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ enabled: !d.enabled }),
        }, showDestinations),
      }, d.enabled ? "Pause" : "Resume"),
      h("button", {
        class: "button", type: "button", "data-testid": "retry-dead", disabled: !health.dead,
        onclick: (e) => adminAction(e.currentTarget, `${path}/retry-failed`, {}, showDestinations),
      }, `Retry dead forwards (${health.dead ?? 0})`),
      h("button", {
        class: "button quiet", type: "button", disabled: !health.dead,
        onclick: async () => {
          dead.hidden = !dead.hidden;
          if (dead.hidden) return;
          try {
            const data = await api(`/api/forwards?status=dead&destination=${encodeURIComponent(d.id)}`);
            dead.replaceChildren(...data.forwards.map((f) => renderForward(f, showDestinations)));
          } catch (error) {
            handle(error);
          }
        },
      }, "Show dead forwards")),
    dead);
}

// Replay since a date: every stored call that started since then is forwarded to this destination again.
function replayForm(d, path) {
  const since = h("input", { type: "date", name: "since", required: true, "aria-label": "Replay calls since" });
  const form = h("form", { class: "actions replay", "data-testid": "replay" },
    h("label", { class: "field inline" }, h("span", null, "Calls since"), since),
    h("button", { class: "button", type: "submit" }, "Replay to this destination"));
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const button = form.querySelector("button");
    await adminAction(button, `${path}/replay`, {
      headers: { "Content-Type": "application/json" }, body: JSON.stringify({ since: since.value }),
    }, async (replay) => {
      const note = form.querySelector(".action-note");
      for (let r = replay; ; ) {
        note.textContent = `Replay ${r.status}: ${r.conversations} calls, ${r.forwards} forwards made`;
        if (r.status !== "running") return;
        await new Promise((done) => setTimeout(done, 500));
        try {
          r = await api(`${path}/replays/${encodeURIComponent(replay.id)}`);
        } catch (error) {
          note.textContent = error.message;
          return;
        }
      }
    });
  });
  return form;
}

// The banner ElevenLabs' own view of the post-call webhook earns: disabled, auto-disabled or failing, and what to do.
async function checkWebhooks() {
  const banner = $("webhook-banner");
  try {
    const data = await api("/api/reconcile");
    const down = (data.webhooks.webhooks || []).filter((w) => w.state !== "healthy" && (w.is_post_call || !data.webhooks.webhooks.some((x) => x.is_post_call)));
    if (!data.webhooks.advice || down.length === 0) {
      banner.hidden = true;
      return;
    }
    const states = { auto_disabled: "auto-disabled by ElevenLabs", disabled: "disabled", failing: "failing" };
    banner.replaceChildren(
      h("strong", null, `ElevenLabs webhook ${down.map((w) => `${w.name || w.webhook_id} is ${states[w.state] || w.state}`).join("; ")}.`),
      " ", data.webhooks.advice);
    banner.hidden = false;
  } catch {
    banner.hidden = true;
  }
}

function addDestinationForm() {
  const notice = h("p", { class: "muted", role: "status" });
  const form = h("form", { class: "card add-destination" },
    h("h3", null, "Add a destination"),
    h("label", { class: "field" }, h("span", null, "URL (needs an admin key)"),
      h("input", { name: "url", type: "url", required: true, placeholder: "https://api.example.com/elevenlabs", autocomplete: "off" })),
    h("div", { class: "actions" }, h("button", { class: "button primary", type: "submit" }, "Add")),
    notice);
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const button = form.querySelector("button");
    await adminAction(button, "/api/destinations", {
      headers: { "Content-Type": "application/json" }, body: JSON.stringify({ url: form.elements.url.value.trim() }),
    }, async (created) => {
      await showDestinations();
      // Shown once, here: the receiver needs it to verify what it is sent.
      $("destinations-page").querySelector(".add-destination p[role=status]").textContent =
        `Added ${created.id}. Its signing secret (give it to the receiver): ${created.secret}`;
    });
  });
  return form;
}

async function showDestinations() {
  const page = $("destinations-page");
  checkWebhooks();
  try {
    const data = await api("/api/destinations");
    page.replaceChildren(
      h("header", { class: "page-head" }, h("h1", null, "Destinations"),
        h("p", { class: "muted" }, "Every stored call is forwarded to each destination that takes it, and retried for a day and more.")),
      data.destinations.length
        ? h("div", { class: "destination-list" }, data.destinations.map(renderDestination))
        : h("p", { class: "muted" }, "No destinations yet: set POSTCALL_FORWARD_URLS, or add one below."),
      addDestinationForm());
  } catch (error) {
    if (error instanceof Unauthorized) return handle(error);
    page.replaceChildren(h("p", { class: "muted" }, error.message));
  }
}
