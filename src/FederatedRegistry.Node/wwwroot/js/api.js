// The node's JSON API as the dashboard calls it: same origin, with the pasted bearer token when there is one.
// The token lives in sessionStorage so that it is gone when the tab closes and is never sent to any other site.
const TokenKey = "fedreg.token";

export function token() {
  return sessionStorage.getItem(TokenKey);
}

export function signIn(value) {
  sessionStorage.setItem(TokenKey, value.trim());
}

export function signOut() {
  sessionStorage.removeItem(TokenKey);
}

// The token's claims, read only to label the page: the node checks the token on every call.
export function claims() {
  const value = token();
  if (!value) {
    return null;
  }
  try {
    const payload = value.split(".")[1].replace(/-/g, "+").replace(/_/g, "/");
    return JSON.parse(atob(payload.padEnd(payload.length + ((4 - payload.length % 4) % 4), "=")));
  } catch {
    return { role: "unknown", sub: "unreadable token" };
  }
}

export class ApiError extends Error {
  constructor(status, message) {
    super(message);
    this.status = status;
  }
}

export async function call(path, { method = "GET", body } = {}) {
  const headers = { accept: "application/json" };
  const bearer = token();
  if (bearer) {
    headers.authorization = `Bearer ${bearer}`;
  }
  if (body !== undefined) {
    headers["content-type"] = "application/json";
  }
  const response = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await response.text();
  const data = text ? JSON.parse(text) : {};
  if (!response.ok) {
    throw new ApiError(response.status, data.message || `${method} ${path} answered ${response.status}`);
  }
  return data;
}
