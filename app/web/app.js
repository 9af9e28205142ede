// Career Services CRM web front: Supabase magic-link sign-in, student search, notes.
// No inline script or style anywhere (the CSP forbids them); all text goes in via
// textContent only (no HTML parsing of data), so API data cannot inject markup.
"use strict";

const TOKEN_KEY = "crm.access_token";
const $ = (id) => document.getElementById(id);
let config = null;
let currentStudent = null;

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

// Supabase's magic link lands here with #access_token=...&type=magiclink (implicit flow).
function takeTokenFromRedirect() {
  if (!location.hash.includes("access_token=")) return;
  const params = new URLSearchParams(location.hash.slice(1));
  const access = params.get("access_token");
  if (access) sessionStorage.setItem(TOKEN_KEY, access);
  history.replaceState(null, "", location.pathname + location.search);
}

async function api(path, options = {}) {
  const response = await fetch(config.apiUrl.replace(/\/$/, "") + path, {
    ...options,
    headers: { "Authorization": `Bearer ${token()}`, "Content-Type": "application/json",
               ...(options.headers || {}) },
  });
  if (response.status === 401) {
    sessionStorage.removeItem(TOKEN_KEY);
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
  $("sign-in-status").textContent = "Sending…";
  try {
    const response = await fetch(
      `${config.supabaseUrl.replace(/\/$/, "")}/auth/v1/otp?redirect_to=${redirect}`, {
        method: "POST",
        headers: { "apikey": config.supabaseAnonKey, "Content-Type": "application/json" },
        body: JSON.stringify({ email, create_user: false }),
      });
    if (!response.ok) throw new Error(`sign-in service answered ${response.status}`);
    $("sign-in-status").textContent = `Check ${email} for your sign-in link.`;
  } catch (e) {
    $("sign-in-status").textContent = "";
    showError(`Could not send the link: ${e.message}`);
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
    } catch (e) { showError(e.message); }
  }
}

async function start() {
  try {
    config = await (await fetch("config.json", { cache: "no-store" })).json();
  } catch (e) {
    showError("The app is not configured (config.json missing).");
    return;
  }
  takeTokenFromRedirect();
  $("sign-in-form").addEventListener("submit", sendMagicLink);
  $("search-form").addEventListener("submit", search);
  $("note-form").addEventListener("submit", addNote);
  $("sign-out").addEventListener("click", () => {
    sessionStorage.removeItem(TOKEN_KEY);
    currentStudent = null;
    show("student", false);
    $("results").replaceChildren();
    render();
  });
  await render();
}

document.addEventListener("DOMContentLoaded", start);
