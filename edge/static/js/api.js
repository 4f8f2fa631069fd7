// REST client for /api/v1: JSON in and out, problem+json errors, bearer auth with a
// silent refresh of the access token through the httpOnly refresh cookie.

const BASE = "/api/v1";
const TOKEN_KEY = "booker.access"; // sessionStorage: {token, exp} of this tab
const USER_KEY = "booker.user"; // localStorage: the signed-in user, a hint that a refresh cookie exists

export class ApiError extends Error {
  constructor(status, problem) {
    super(problem.detail || problem.title || `HTTP ${status}`);
    this.status = status;
    this.problem = problem;
    this.errors = problem.errors || {};
    this.alternatives = problem.alternatives || [];
  }
}

let access = readToken();
let refreshTimer = null;
let refreshing = null;
const listeners = new Set();

function readToken() {
  try {
    const v = JSON.parse(sessionStorage.getItem(TOKEN_KEY) || "null");
    return v && v.exp > Date.now() + 5000 ? v : null;
  } catch {
    return null;
  }
}

function storeToken(token, expiresIn) {
  access = { token, exp: Date.now() + (expiresIn || 900) * 1000 };
  sessionStorage.setItem(TOKEN_KEY, JSON.stringify(access));
  scheduleRefresh();
}

function scheduleRefresh() {
  clearTimeout(refreshTimer);
  if (!access) return;
  // Refresh a minute before expiry so requests never carry a stale token.
  const delay = Math.max(5000, access.exp - Date.now() - 60000);
  refreshTimer = setTimeout(() => refresh().catch(() => {}), delay);
}

export function currentUser() {
  try {
    return JSON.parse(localStorage.getItem(USER_KEY) || "null");
  } catch {
    return null;
  }
}

function setUser(user) {
  if (user) localStorage.setItem(USER_KEY, JSON.stringify(user));
  else localStorage.removeItem(USER_KEY);
  for (const fn of listeners) fn(user);
}

function clearSession() {
  access = null;
  clearTimeout(refreshTimer);
  sessionStorage.removeItem(TOKEN_KEY);
  setUser(null);
}

export function onUserChange(fn) {
  listeners.add(fn);
}

async function parse(res) {
  if (res.status === 204) return null;
  const type = res.headers.get("content-type") || "";
  if (type.includes("json")) return res.json();
  return res.text();
}

/** POST /auth/refresh with the cookie. Serialised across tabs (Web Locks), since the
 * server rotates the cookie and treats a second use of the old one as theft. */
export function refresh() {
  if (refreshing) return refreshing;
  const run = async () => {
    const res = await fetch(`${BASE}/auth/refresh`, { method: "POST", credentials: "same-origin" });
    if (!res.ok) {
      clearSession();
      return null;
    }
    const body = await res.json();
    storeToken(body.access_token, body.expires_in);
    if (body.user) setUser(body.user);
    return access.token;
  };
  const locked = navigator.locks ? () => navigator.locks.request("booker-refresh", run) : run;
  refreshing = locked().finally(() => {
    refreshing = null;
  });
  return refreshing;
}

/** Restores the session of this tab: the stored access token, or a silent refresh. */
export async function initSession() {
  if (!currentUser()) return null;
  if (!access) await refresh().catch(() => null);
  if (!access) return null;
  scheduleRefresh();
  try {
    const me = await api("/me");
    setUser(me.user || me);
  } catch (e) {
    if (e.status === 401) clearSession();
  }
  return currentUser();
}

// Writes on bookings and holds always carry an Idempotency-Key, kept across retries, so that a
// request whose outcome is unknown (the connection to the database broke) can be repeated safely.
const KEYED = /^\/(bookings|holds)(\/|\?|$)/;
const newKey = () => (crypto.randomUUID ? crypto.randomUUID() : `${Date.now()}-${Math.random()}`.replace(".", ""));
const RETRYABLE = ["/api/docs#problem-outcome-unknown", "/api/docs#problem-busy"];

export async function api(path, opts = {}) {
  const { method = "GET", body, accept, retry = true, attempts = 2 } = opts;
  let { headers = {} } = opts;
  if (method !== "GET" && KEYED.test(path) && !Object.keys(headers).some((k) => k.toLowerCase() === "idempotency-key")) {
    headers = { ...headers, "Idempotency-Key": newKey() };
    opts = { ...opts, headers };
  }
  const h = { ...headers };
  if (access) h.Authorization = `Bearer ${access.token}`;
  if (body !== undefined) h["Content-Type"] = "application/json";
  if (accept) h.Accept = accept;
  const res = await fetch(BASE + path, {
    method,
    headers: h,
    body: body === undefined ? undefined : JSON.stringify(body),
    credentials: "same-origin",
  });
  if (res.status === 401 && retry && currentUser()) {
    const token = await refresh().catch(() => null);
    if (token) return api(path, { ...opts, retry: false });
  }
  const data = await parse(res);
  // A booking the server may or may not have made: ask again with the same key (it answers once).
  if (res.status === 503 && attempts > 0 && method === "POST" && path.startsWith("/bookings") && RETRYABLE.includes(data && data.type)) {
    const wait = Math.min(5, Number(res.headers.get("Retry-After")) || 1);
    await new Promise((resolve) => setTimeout(resolve, wait * 1000));
    return api(path, { ...opts, attempts: attempts - 1 });
  }
  if (!res.ok) {
    const problem = data && typeof data === "object" ? data : { title: res.statusText, detail: String(data || "") };
    throw new ApiError(res.status, problem);
  }
  if (accept && accept !== "application/json") return data;
  return data;
}

/** Raw fetch with auth, for downloads (CSV). */
export async function download(path, accept) {
  const h = { Accept: accept };
  if (access) h.Authorization = `Bearer ${access.token}`;
  let res = await fetch(BASE + path, { headers: h, credentials: "same-origin" });
  if (res.status === 401 && (await refresh().catch(() => null))) {
    h.Authorization = `Bearer ${access.token}`;
    res = await fetch(BASE + path, { headers: h, credentials: "same-origin" });
  }
  if (!res.ok) throw new ApiError(res.status, { title: res.statusText });
  return res.blob();
}

async function signIn(path, payload) {
  const body = await api(path, { method: "POST", body: payload, retry: false });
  storeToken(body.access_token, body.expires_in);
  setUser(body.user);
  return body.user;
}

export const login = (email, password) => signIn("/auth/login", { email, password });
export const register = (name, email, password) => signIn("/auth/register", { name, email, password });

export async function logout() {
  try {
    await fetch(`${BASE}/auth/logout`, { method: "POST", credentials: "same-origin" });
  } finally {
    clearSession();
  }
}

export const isSignedIn = () => Boolean(access && currentUser());
