// Career Services CRM web front: Supabase magic-link (CAPTCHA-protected) and social sign-in,
// a session refreshed before it expires, student search, notes.
// No inline script or style anywhere (the CSP forbids them); all text goes in via
// textContent only (no HTML parsing of data), so API data cannot inject markup.
"use strict";

const TOKEN_KEY = "crm.access_token";
const REFRESH_KEY = "crm.refresh_token";
const REFRESH_MARGIN_S = 60; // refresh this long before the access token expires
// Display names of the providers Supabase Auth may enable (config.json lists the enabled ones).
const PROVIDER_LABELS = { google: "Google", github: "GitHub", linkedin_oidc: "LinkedIn" };
const $ = (id) => document.getElementById(id);
let config = null;
let currentStudent = null;
let captchaToken = null;
let captchaWidget = null;
let refreshTimer = null;

function show(id, visible) { $(id).hidden = !visible; }

function showError(message) {
  $("error").textContent = message;
  show("error", Boolean(message));
}

function token() {
  const value = sessionStorage.getItem(TOKEN_KEY);
  if (!value) return null;
  try {
    const payload = JSON.parse(atob(value.split(".")[1].replace(/-/g, "+").replace(/_/g, "/")));
    if (payload.exp && payload.exp * 1000 < Date.now()) {
      sessionStorage.removeItem(TOKEN_KEY);
      return null;
    }
  } catch (e) {
    sessionStorage.removeItem(TOKEN_KEY);
    return null;
  }
  return value;
}

function authUrl(path) { return `${config.supabaseUrl.replace(/\/$/, "")}/auth/v1${path}`; }

function expiresAt(access) {
  try {
    const payload = JSON.parse(atob(access.split(".")[1].replace(/-/g, "+").replace(/_/g, "/")));
    return payload.exp || 0;
  } catch (e) { return 0; }
}

// Keep a session (Supabase's access + refresh token) and refresh it ahead of expiry.
function keepSession(access, refresh) {
  sessionStorage.setItem(TOKEN_KEY, access);
  if (refresh) sessionStorage.setItem(REFRESH_KEY, refresh);
  scheduleRefresh();
}

function dropSession() {
  sessionStorage.removeItem(TOKEN_KEY);
  sessionStorage.removeItem(REFRESH_KEY);
  if (refreshTimer) clearTimeout(refreshTimer);
  refreshTimer = null;
}

function scheduleRefresh() {
  if (refreshTimer) clearTimeout(refreshTimer);
  const access = sessionStorage.getItem(TOKEN_KEY);
  if (!access || !sessionStorage.getItem(REFRESH_KEY)) return;
  const wait = Math.max(0, (expiresAt(access) - REFRESH_MARGIN_S) * 1000 - Date.now());
  refreshTimer = setTimeout(refreshSession, wait);
}

// POST /token?grant_type=refresh_token: needs no CAPTCHA; rotation gives a new refresh token.
async function refreshSession() {
  const refresh = sessionStorage.getItem(REFRESH_KEY);
  if (!refresh) return;
  try {
    const response = await fetch(authUrl("/token?grant_type=refresh_token"), {
      method: "POST",
      headers: { "apikey": config.supabaseAnonKey, "Content-Type": "application/json" },
      body: JSON.stringify({ refresh_token: refresh }),
    });
    if (!response.ok) throw new Error(`sign-in service answered ${response.status}`);
    const session = await response.json();
    keepSession(session.access_token, session.refresh_token);
  } catch (e) {
    dropSession();
    render();
    showError(`Your session could not be renewed: sign in again (${e.message}).`);
  }
}

// Supabase's magic link (and OAuth callback) lands here with #access_token=...&refresh_token=...
function takeTokenFromRedirect() {
  if (!location.hash.includes("access_token=")) return;
  const params = new URLSearchParams(location.hash.slice(1));
  const access = params.get("access_token");
  if (access) keepSession(access, params.get("refresh_token"));
  history.replaceState(null, "", location.pathname + location.search);
}

// Cloudflare Turnstile: Supabase Auth (security_captcha_enabled) refuses /otp without a token.
function loadCaptcha() {
  if (!config.turnstileSiteKey) return;
  window.onTurnstileLoad = () => {
    captchaWidget = window.turnstile.render("#captcha", {
      sitekey: config.turnstileSiteKey,
      action: "magic-link",
      callback: (value) => { captchaToken = value; },
      "expired-callback": () => { captchaToken = null; },
      "error-callback": () => { captchaToken = null; },
    });
  };
  const script = document.createElement("script");
  const url = new URL(config.turnstileScriptUrl);
  url.searchParams.set("render", "explicit");
  url.searchParams.set("onload", "onTurnstileLoad");
  script.src = url.toString();
  script.async = true;
  document.head.append(script);
}

function renderProviders() {
  const list = $("providers");
  list.replaceChildren();
  const redirect = location.origin + location.pathname;
  for (const provider of config.authProviders || []) {
    const link = document.createElement("a");
    link.className = "provider";
    link.dataset.provider = provider;
    link.href = authUrl(`/authorize?provider=${encodeURIComponent(provider)}` +
                        `&redirect_to=${encodeURIComponent(redirect)}`);
    link.textContent = `Continue with ${PROVIDER_LABELS[provider] || provider}`;
    const li = document.createElement("li");
    li.append(link);
    list.append(li);
  }
  show("providers", list.children.length > 0);
}

async function api(path, options = {}) {
  const response = await fetch(config.apiUrl.replace(/\/$/, "") + path, {
    ...options,
    headers: { "Authorization": `Bearer ${token()}`, "Content-Type": "application/json",
               ...(options.headers || {}) },
  });
  if (response.status === 401) {
    dropSession();
    render();
    throw new Error("Your session has ended: sign in again.");
  }
  const body = response.status === 204 ? null : await response.json();
  if (!response.ok) throw new Error(body && body.detail ? body.detail : `HTTP ${response.status}`);
  return body;
}

async function sendMagicLink(event) {
  event.preventDefault();
  const email = $("email").value.trim();
  const redirect = encodeURIComponent(location.origin + location.pathname);
  const body = { email, create_user: false };
  if (config.turnstileSiteKey) {
    if (!captchaToken) {
      showError("Please complete the check above the button first.");
      return;
    }
    body.gotrue_meta_security = { captcha_token: captchaToken };
  }
  showError("");
  $("sign-in-status").textContent = "Sending…";
  try {
    const response = await fetch(authUrl(`/otp?redirect_to=${redirect}`), {
      method: "POST",
      headers: { "apikey": config.supabaseAnonKey, "Content-Type": "application/json" },
      body: JSON.stringify(body),
    });
    if (!response.ok) throw new Error(`sign-in service answered ${response.status}`);
    $("sign-in-status").textContent = `Check ${email} for your sign-in link.`;
  } catch (e) {
    $("sign-in-status").textContent = "";
    showError(`Could not send the link: ${e.message}`);
  } finally {
    // A Turnstile token is single use: get a fresh one for the next request.
    captchaToken = null;
    if (captchaWidget !== null && window.turnstile) window.turnstile.reset(captchaWidget);
  }
}

function studentLabel(s) { return `${s.last_name}, ${s.first_name}`; }

async function search(event) {
  event.preventDefault();
  showError("");
  const q = $("q").value.trim();
  try {
    const page = await api(`/students?limit=25&q=${encodeURIComponent(q)}`);
    const list = $("results");
    list.replaceChildren();
    if (page.items.length === 0) {
      const li = document.createElement("li");
      li.className = "muted";
      li.textContent = "No students found.";
      list.append(li);
    }
    for (const s of page.items) {
      const li = document.createElement("li");
      const button = document.createElement("button");
      button.type = "button";
      button.dataset.id = s.id;
      button.textContent = `${studentLabel(s)} · ${s.email}`;
      button.addEventListener("click", () => openStudent(s.id));
      li.append(button);
      list.append(li);
    }
  } catch (e) { showError(e.message); }
}

async function openStudent(id) {
  showError("");
  try {
    const [student, notes] = await Promise.all([
      api(`/students/${id}`), api(`/students/${id}/notes?limit=50`)]);
    currentStudent = student;
    for (const b of document.querySelectorAll("#results button")) {
      b.setAttribute("aria-current", String(b.dataset.id === id));
    }
    $("student-name").textContent = `${student.first_name} ${student.last_name}`;
    $("student-email").textContent = student.email;
    renderNotes(notes.items);
    show("student", true);
  } catch (e) { showError(e.message); }
}

function renderNotes(items) {
  const list = $("notes");
  list.replaceChildren();
  for (const n of items) {
    const li = document.createElement("li");
    const when = document.createElement("time");
    when.dateTime = n.created_at;
    when.textContent = new Date(n.created_at).toLocaleString();
    const body = document.createElement("span");
    body.textContent = n.body;
    li.append(when, body);
    list.append(li);
  }
}

async function addNote(event) {
  event.preventDefault();
  if (!currentStudent) return;
  const body = $("note-body").value.trim();
  if (!body) return;
  try {
    await api(`/students/${currentStudent.id}/notes`, {
      method: "POST", body: JSON.stringify({ body }) });
    $("note-body").value = "";
    const notes = await api(`/students/${currentStudent.id}/notes?limit=50`);
    renderNotes(notes.items);
  } catch (e) { showError(e.message); }
}

// Admins invite staff: the API asks Supabase Auth to email the invitation.
async function inviteStaff(event) {
  event.preventDefault();
  showError("");
  const email = $("invite-email").value.trim();
  try {
    await api("/staff/invitations", { method: "POST", body: JSON.stringify({
      email, full_name: $("invite-name").value.trim(), role: $("invite-role").value }) });
    $("invite-status").textContent = `Invitation sent to ${email}.`;
    $("invite-form").reset();
  } catch (e) { showError(e.message); }
}

async function render() {
  const signedIn = Boolean(token());
  show("sign-in", !signedIn);
  show("workspace", signedIn);
  show("sign-out", signedIn);
  $("who").textContent = "";
  if (signedIn) {
    try {
      const me = await api("/me");
      $("who").textContent = `${me.staff.full_name} · ${me.organization.name}`;
      show("invite", me.staff.role === "admin");
    } catch (e) { showError(e.message); }
  }
}

async function start() {
  try {
    // build.sh puts the config in the page (one round trip less); config.json stays for
    // anything that reads it on its own.
    const embedded = document.querySelector('meta[name="crm-config"]');
    config = embedded ? JSON.parse(embedded.content)
      : await (await fetch("config.json", { cache: "no-store" })).json();
  } catch (e) {
    showError("The app is not configured (config.json missing).");
    return;
  }
  takeTokenFromRedirect();
  scheduleRefresh();
  renderProviders();
  loadCaptcha();
  $("sign-in-form").addEventListener("submit", sendMagicLink);
  $("search-form").addEventListener("submit", search);
  $("note-form").addEventListener("submit", addNote);
  $("invite-form").addEventListener("submit", inviteStaff);
  $("sign-out").addEventListener("click", async () => {
    const access = sessionStorage.getItem(TOKEN_KEY);
    if (access) {
      // Revoke the refresh token server-side, not just forget it here.
      try {
        await fetch(authUrl("/logout?scope=local"), {
          method: "POST",
          headers: { "apikey": config.supabaseAnonKey, "Authorization": `Bearer ${access}` },
        });
      } catch (e) { /* signed out locally either way */ }
    }
    dropSession();
    currentStudent = null;
    show("student", false);
    $("results").replaceChildren();
    render();
  });
  await render();
}

document.addEventListener("DOMContentLoaded", start);
