// usersctl web console: a client of the JSON API and nothing more. Every
// rule is the API's; the session's token lives in an HttpOnly cookie that
// this script never sees, and the API honours it only beside the
// X-Usersctl-Console header that every call here sends. Text reaches the
// page through textContent alone, never as markup.

const BASE = new URL(".", location.href).pathname;
const main = document.getElementById("main");
const nav = document.getElementById("nav");
const notice = document.getElementById("notice");
const progress = document.getElementById("progress");

/** The session: {id, role, must_change_password, user (absent while the
 * password must be changed: the API allows nothing else until then)}. */
let me = null;
/** What the sign-in page says first (why the last session ended). */
let farewell = "";

// ---- building the page -------------------------------------------------

/** An element with properties and children; strings become text nodes. */
function h(tag, props, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(props || {})) {
    if (value === undefined || value === null || value === false) continue;
    if (key.startsWith("on")) el.addEventListener(key.slice(2), value);
    else if (key === "class") el.className = value;
    else if (key === "checked" || key === "selected" || key === "disabled") el[key] = Boolean(value);
    else if (key === "value") el.value = value;
    else el.setAttribute(key, value === true ? "" : String(value));
  }
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return el;
}

let uid = 0;
/** A labelled input, with its hint and a place for its error. */
function field(label, name, input, hint) {
  const id = `f-${name}-${++uid}`;
  input.id = id;
  input.name = name;
  const described = [];
  const hintEl = hint ? h("span", { class: "hint", id: `${id}-hint` }, hint) : null;
  if (hintEl) described.push(hintEl.id);
  const error = h("span", { class: "error-text", id: `${id}-error`, "data-error-for": name });
  described.push(error.id);
  input.setAttribute("aria-describedby", described.join(" "));
  if (input.type === "checkbox") {
    return h("div", { class: "field check" }, input, h("label", { for: id }, label), hintEl, error);
  }
  return h("div", { class: "field" }, h("label", { for: id }, label), input, hintEl, error);
}

/** The fields of a PATCH: each input whose value differs from `stored`'s
 * field of that name (text trimmed; a checkbox by whether it is ticked).
 * An `optional` field left empty is sent as null, which clears it. */
function changedFields(stored, inputs, optional = []) {
  const body = {};
  for (const [name, input] of Object.entries(inputs)) {
    const value = input.type === "checkbox" ? input.checked : input.value.trim();
    if (value !== (stored[name] ?? "")) body[name] = optional.includes(name) ? value || null : value;
  }
  return body;
}

function select(options, value) {
  return h("select", {}, options.map(([v, text]) => h("option", { value: v, selected: v === value }, text)));
}

function show(...children) {
  main.replaceChildren(...children.flat());
  main.removeAttribute("aria-busy");
}

function say(text, isError) {
  notice.textContent = text || "";
  notice.className = isError ? "error" : "";
}

/** Says `text` after the navigation that follows. */
let flash = "";
function go(hash, text) {
  flash = text;
  location.hash = hash;
}

function when(value) {
  if (!value) return "never";
  const d = new Date(value);
  return Number.isNaN(d.getTime()) ? String(value) : d.toLocaleString();
}

/** The field errors of an API answer beside their fields, the rest above. */
function showErrors(form, err) {
  for (const el of form.querySelectorAll("[data-error-for]")) el.textContent = "";
  for (const el of form.querySelectorAll("[aria-invalid]")) el.removeAttribute("aria-invalid");
  let placed = false;
  // An error about one field without details ("current_password is
  // wrong") goes beside that field too.
  const details = [...(err.details || [])];
  if (!details.length) {
    for (const slot of form.querySelectorAll("[data-error-for]")) {
      const name = slot.dataset.errorFor;
      if (err.message.startsWith(`${name} `)) details.push({ field: name, message: err.message.slice(name.length + 1) });
    }
  }
  for (const detail of details) {
    const slot = form.querySelector(`[data-error-for="${CSS.escape(detail.field)}"]`);
    if (slot) {
      slot.textContent = detail.message;
      const input = form.querySelector(`[name="${CSS.escape(detail.field)}"]`);
      if (input) input.setAttribute("aria-invalid", "true");
      placed = true;
    }
  }
  const first = form.querySelector("[aria-invalid=true]");
  if (first) first.focus();
  say(placed ? "Some fields need attention." : err.message, true);
}

// ---- the API -----------------------------------------------------------

class ApiError extends Error {
  constructor(status, body) {
    super((body && body.message) || `the server answered ${status}`);
    this.status = status;
    this.code = body && body.error;
    this.details = (body && body.details) || [];
  }
}

let pending = 0;
function working(on) {
  pending += on ? 1 : -1;
  progress.hidden = pending === 0;
  if (pending > 0) main.setAttribute("aria-busy", "true");
  else main.removeAttribute("aria-busy");
}

async function api(method, path, body) {
  const init = {
    method,
    credentials: "same-origin",
    cache: "no-store",
    headers: { "X-Usersctl-Console": "1", Accept: "application/json" },
  };
  if (body !== undefined) {
    init.headers["Content-Type"] = "application/json";
    init.body = JSON.stringify(body);
  }
  working(true);
  let res;
  try {
    res = await fetch(path, init);
  } catch {
    throw new ApiError(0, { message: "The server cannot be reached; is usersctl serve running?" });
  } finally {
    working(false);
  }
  const text = await res.text();
  let json = null;
  try {
    json = text ? JSON.parse(text) : null;
  } catch {
    json = null;
  }
  if (!res.ok) {
    const err = new ApiError(res.status, json);
    const signingIn = method === "POST" && path === `${BASE}session`;
    if (!signingIn && (res.status === 401 || (res.status === 403 && /blocked/.test(err.message)))) {
      ended(err.message);
    }
    throw err;
  }
  return json;
}

function query(params) {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) {
    if (v !== undefined && v !== null && v !== "" && v !== false) q.set(k, String(v));
  }
  const s = q.toString();
  return s ? `?${s}` : "";
}

/** Runs `action` with `button` disabled and saying so; errors go to `form`. */
async function busy(button, label, action, form) {
  const was = button.textContent;
  button.disabled = true;
  button.textContent = label;
  try {
    return await action();
  } catch (err) {
    if (!(err instanceof ApiError)) throw err;
    if (me) {
      if (form) showErrors(form, err);
      else say(err.message, true);
    }
    return undefined;
  } finally {
    button.disabled = false;
    button.textContent = was;
  }
}

// ---- the session -------------------------------------------------------

function ended(message) {
  if (!me) return;
  me = null;
  farewell = `Your session has ended: ${message}. Sign in again.`;
  render();
}

function signInView() {
  nav.hidden = true;
  nav.replaceChildren();
  const user = h("input", { autocomplete: "username", required: true, autocapitalize: "none" });
  const pass = h("input", { type: "password", autocomplete: "current-password", required: true });
  const button = h("button", { class: "primary", type: "submit" }, "Sign in");
  const form = h(
    "form",
    { class: "stack", "aria-labelledby": "signin-title", novalidate: true },
    field("Username or email", "username", user),
    field("Password", "password", pass),
    h("div", { class: "actions" }, button),
  );
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    button.disabled = true;
    button.textContent = "Signing in…";
    try {
      const signed = await api("POST", `${BASE}session`, { username: user.value.trim(), password: pass.value });
      me = signed.data;
      farewell = "";
      say("");
      if (!location.hash || location.hash === "#/") go(me.role === "admin" ? "#/users" : "#/me", "");
      else render();
    } catch (err) {
      if (!(err instanceof ApiError)) throw err;
      // Wrong credentials say so above the form; a field left out, beside it.
      showErrors(form, err);
      if (!err.details.length) pass.focus();
    } finally {
      pass.value = "";
      button.disabled = false;
      button.textContent = "Sign in";
    }
  });
  show(h("h1", { id: "signin-title" }, "Sign in to usersctl"), form);
  if (farewell) say(farewell, true);
  user.focus();
}

async function signOut(message = "You have signed out.") {
  try {
    await api("DELETE", `${BASE}session`);
  } catch {
    // The cookie is cleared whatever the token's state.
  }
  me = null;
  farewell = "";
  if (location.hash) {
    go("", message);
  } else {
    render();
    say(message);
  }
}

// ---- navigation --------------------------------------------------------

const ADMIN_LINKS = [
  ["#/users", "Users"],
  ["#/bin", "Recycle bin"],
  ["#/groups", "Groups"],
  ["#/keys", "API keys"],
  ["#/audit", "Audit trail"],
  ["#/me", "My account"],
];

function drawNav() {
  const links = me.role === "admin" && !me.must_change_password ? ADMIN_LINKS : [["#/me", "My account"]];
  const here = location.hash.split("?")[0];
  nav.replaceChildren(
    ...links.map(([href, text]) =>
      h("a", { href, "aria-current": here === href || here.startsWith(`${href}/`) ? "page" : null }, text),
    ),
    h("span", { class: "who" }, me.user ? `Signed in as ${me.user.username}` : "Signed in"),
    h("button", { type: "button", onclick: () => signOut() }, "Sign out"),
  );
  nav.hidden = false;
}

function route() {
  const [path, search] = location.hash.slice(1).split("?");
  const params = new URLSearchParams(search || "");
  const parts = (path || "").split("/").filter(Boolean).map(decodeURIComponent);
  if (me.must_change_password) return passwordView();
  if (me.role !== "admin") return meView();
  switch (parts[0]) {
    case "users":
      if (parts[1] === "new") return createView();
      if (parts[1]) return userView(parts[1]);
      return usersView(params);
    case "bin":
      return binView(params);
    case "groups":
      return parts[1] ? groupView(parts[1]) : groupsView(params);
    case "keys":
      return keysView();
    case "audit":
      return auditView(params);
    case "me":
      return meView();
    default:
      location.hash = "#/users";
      return undefined;
  }
}

async function render() {
  if (!me) return signInView();
  drawNav();
  try {
    await route();
    main.focus({ preventScroll: true });
    // How many views have been drawn whole: tests wait on it.
    main.dataset.rendered = String(Number(main.dataset.rendered || 0) + 1);
  } catch (err) {
    if (!(err instanceof ApiError)) throw err;
    if (me) show(h("h1", {}, "Something went wrong"), h("p", { role: "alert" }, err.message));
  }
  return undefined;
}

// ---- users -------------------------------------------------------------

const FILTERS = [
  "search",
  "role",
  "blocked",
  "must_change_password",
  "never_logged_in",
  "inactive_for",
  "created_after",
  "created_before",
  "group",
  "sort",
  "limit",
];

/** The orders GET /users takes, as the list's select offers them. */
const ORDERS = [
  ["", "Oldest first"],
  ["-id", "Newest first"],
  ["username", "Username, A to Z"],
  ["-username", "Username, Z to A"],
  ["email", "Email, A to Z"],
  ["-email", "Email, Z to A"],
];

function filterForm(params, hashPath, withGroup) {
  const inputs = {
    search: h("input", { type: "search", value: params.get("search") || "", placeholder: "name, email…" }),
    role: select([["", "Any"], ["admin", "Admin"], ["user", "User"]], params.get("role") || ""),
    blocked: select([["", "Any"], ["false", "Active"], ["true", "Blocked"]], params.get("blocked") || ""),
    must_change_password: h("input", { type: "checkbox", checked: params.get("must_change_password") === "true" }),
    never_logged_in: h("input", { type: "checkbox", checked: params.get("never_logged_in") === "true" }),
    inactive_for: h("input", { value: params.get("inactive_for") || "", size: 6, placeholder: "90d" }),
    created_after: h("input", { type: "date", value: (params.get("created_after") || "").slice(0, 10) }),
    created_before: h("input", { type: "date", value: (params.get("created_before") || "").slice(0, 10) }),
    group: h("input", { value: params.get("group") || "", size: 12 }),
    sort: select(ORDERS, params.get("sort") || ""),
    limit: select([["25", "25"], ["50", "50"], ["100", "100"], ["500", "500"]], params.get("limit") || "50"),
  };
  const form = h(
    "form",
    { class: "filters", role: "search", "aria-label": "Filter users" },
    field("Search", "search", inputs.search),
    field("Role", "role", inputs.role),
    field("Status", "blocked", inputs.blocked),
    field("Inactive for", "inactive_for", inputs.inactive_for, "e.g. 90d"),
    field("Created from", "created_after", inputs.created_after),
    field("Created before", "created_before", inputs.created_before),
    withGroup ? field("Group", "group", inputs.group) : null,
    withGroup ? field("Order", "sort", inputs.sort) : null,
    field("Per page", "limit", inputs.limit),
    field("Must change password", "must_change_password", inputs.must_change_password),
    field("Never logged in", "never_logged_in", inputs.never_logged_in),
    h("div", { class: "actions" },
      h("button", { class: "primary", type: "submit" }, "Apply"),
      h("a", { href: hashPath }, "Clear")),
  );
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const next = new URLSearchParams();
    for (const name of FILTERS) {
      const input = inputs[name];
      if ((name === "group" || name === "sort") && !withGroup) continue;
      let v = input.type === "checkbox" ? (input.checked ? "true" : "") : input.value.trim();
      if (v && (name === "created_after" || name === "created_before")) v = `${v}T00:00:00Z`;
      if (v) next.set(name, v);
    }
    const target = `${hashPath}?${next}`;
    if (location.hash === target) render();
    else location.hash = target;
  });
  return form;
}

function apiParams(params, cursor) {
  const out = {};
  for (const name of FILTERS) if (params.get(name)) out[name] = params.get(name);
  if (!out.limit) out.limit = "50";
  if (cursor) out.cursor = cursor;
  return out;
}

/** A paged table: `load(cursor)` gives {rows, next}; prev pages are remembered. */
function pager(load, drawRows, columns, caption) {
  const body = h("tbody");
  const table = h(
    "table",
    {},
    h("caption", { class: "hint" }, caption),
    h("thead", {}, h("tr", {}, columns.map(([text, cls]) => h("th", { scope: "col", class: cls }, text)))),
    body,
  );
  const status = h("span", { class: "hint", "aria-live": "polite" });
  const prev = h("button", { type: "button", disabled: true }, "Previous page");
  const next = h("button", { type: "button", disabled: true }, "Next page");
  const stack = [];
  let current = null;
  async function go(cursor) {
    const page = await load(cursor);
    if (!page) return;
    current = cursor;
    body.replaceChildren(
      ...(page.rows.length
        ? drawRows(page.rows)
        : [h("tr", {}, h("td", { colspan: columns.length, class: "empty" }, "Nothing matches."))]),
    );
    next.disabled = !page.next;
    next.dataset.cursor = page.next || "";
    prev.disabled = stack.length === 0;
    status.textContent = `Page ${stack.length + 1}, ${page.rows.length} shown`;
  }
  prev.addEventListener("click", () => go(stack.pop() ?? null));
  next.addEventListener("click", () => {
    stack.push(current);
    go(next.dataset.cursor);
  });
  return {
    element: h("div", {}, h("div", { class: "table-wrap" }, table), h("div", { class: "pager" }, prev, next, status)),
    go,
  };
}

function userBadges(u) {
  return [
    u.role === "admin" ? h("span", { class: "badge admin" }, "admin") : null,
    u.blocked ? h("span", { class: "badge blocked" }, "blocked") : null,
    u.must_change_password ? h("span", { class: "badge" }, "must change password") : null,
  ];
}

async function usersView(params) {
  const form = filterForm(params, "#/users", true);
  const list = pager(
    async (cursor) => {
      const page = await api("GET", `/users${query(apiParams(params, cursor))}`);
      return { rows: page.data, next: page.next_cursor };
    },
    (users) =>
      users.map((u) =>
        h("tr", {},
          h("td", {}, h("a", { href: `#/users/${encodeURIComponent(u.id)}` }, u.username), " ", userBadges(u)),
          h("td", {}, u.email),
          h("td", { class: "opt" }, u.name || ""),
          h("td", { class: "opt" }, when(u.last_login_at)),
          h("td", { class: "opt" }, when(u.created_at))),
      ),
    [["Username"], ["Email"], ["Name", "opt"], ["Last login", "opt"], ["Created", "opt"]],
    `Users: ${(ORDERS.find(([v]) => v === (params.get("sort") || "")) || ORDERS[0])[1]}`,
  );
  show(
    h("div", { class: "actions" }, h("h1", {}, "Users"), h("a", { href: "#/users/new" }, "Create user")),
    form,
    list.element,
  );
  try {
    await list.go(null);
  } catch (err) {
    if (err instanceof ApiError && me) showErrors(form, err);
    else throw err;
  }
}

function passwordShown(password, whose) {
  return h("div", { class: "panel", role: "alert" },
    h("p", {}, `The new password for ${whose}. It is shown this once; pass it on now.`),
    h("p", { class: "secret", "data-secret": "password" }, password));
}

async function createView() {
  const inputs = {
    username: h("input", { autocomplete: "off", autocapitalize: "none", required: true }),
    email: h("input", { type: "email", autocomplete: "off", required: true }),
    name: h("input", { autocomplete: "off" }),
    role: select([["user", "User"], ["admin", "Admin"]], "user"),
    password: h("input", { type: "password", autocomplete: "new-password" }),
    generate: h("input", { type: "checkbox", checked: true }),
    must: h("input", { type: "checkbox", checked: true }),
  };
  const pwField = field("Password", "password", inputs.password, "At least 8 characters");
  pwField.hidden = true;
  inputs.generate.addEventListener("change", () => {
    pwField.hidden = inputs.generate.checked;
  });
  const button = h("button", { class: "primary", type: "submit" }, "Create user");
  const result = h("div");
  const form = h("form", { class: "stack", novalidate: true },
    field("Username", "username", inputs.username, "3 to 32 of a–z, 0–9, . _ -"),
    field("Email", "email", inputs.email),
    field("Display name", "name", inputs.name),
    field("Role", "role", inputs.role),
    field("Generate a password", "generate_password", inputs.generate),
    pwField,
    field("Must change password at first login", "must_change_password", inputs.must),
    h("div", { class: "actions" }, button, h("a", { href: "#/users" }, "Cancel")));
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const body = {
      username: inputs.username.value.trim(),
      email: inputs.email.value.trim(),
      role: inputs.role.value,
      must_change_password: inputs.must.checked,
    };
    if (inputs.name.value.trim()) body.name = inputs.name.value.trim();
    if (inputs.generate.checked) body.generate_password = true;
    else body.password = inputs.password.value;
    const saved = await busy(button, "Creating…", () => api("POST", "/users", body), form);
    inputs.password.value = "";
    if (!saved) return;
    say(`Created ${saved.data.username}.`);
    result.replaceChildren(
      saved.generated_password ? passwordShown(saved.generated_password, saved.data.username) : "",
      h("p", {}, h("a", { href: `#/users/${encodeURIComponent(saved.data.id)}` }, `Open ${saved.data.username}`)),
    );
    form.reset();
    pwField.hidden = true;
  });
  show(h("h1", {}, "Create user"), form, result);
  inputs.username.focus();
}

/** The attributes as they are edited: a JSON object. */
function attributesPatch(before, text) {
  let after;
  try {
    after = JSON.parse(text || "{}");
  } catch (e) {
    return { error: `is not valid JSON: ${e.message}` };
  }
  if (typeof after !== "object" || after === null || Array.isArray(after)) {
    return { error: "must be a JSON object" };
  }
  const patch = {};
  for (const key of Object.keys(before)) if (!(key in after)) patch[key] = null;
  for (const [key, value] of Object.entries(after)) {
    if (JSON.stringify(before[key]) !== JSON.stringify(value)) patch[key] = value;
  }
  return { patch };
}

async function userView(ref) {
  const user = (await api("GET", `/users/${encodeURIComponent(ref)}`)).data;
  const path = `/users/${encodeURIComponent(user.id)}`;
  const reload = () => render();

  // Profile.
  const inputs = {
    username: h("input", { value: user.username, autocapitalize: "none" }),
    email: h("input", { type: "email", value: user.email }),
    name: h("input", { value: user.name || "" }),
    role: select([["user", "User"], ["admin", "Admin"]], user.role),
    must: h("input", { type: "checkbox", checked: user.must_change_password }),
    attributes: h("textarea", { spellcheck: "false" }),
  };
  inputs.attributes.value = JSON.stringify(user.attributes || {}, null, 2);
  const save = h("button", { class: "primary", type: "submit" }, "Save changes");
  const profile = h("form", { class: "stack", novalidate: true, "aria-labelledby": "profile-title" },
    field("Username", "username", inputs.username),
    field("Email", "email", inputs.email),
    field("Display name", "name", inputs.name),
    field("Role", "role", inputs.role),
    field("Must change password at next login", "must_change_password", inputs.must),
    field("Attributes (a JSON object)", "attributes", inputs.attributes),
    h("div", { class: "actions" }, save));
  profile.addEventListener("submit", async (event) => {
    event.preventDefault();
    const body = changedFields(user, {
      username: inputs.username,
      email: inputs.email,
      name: inputs.name,
      role: inputs.role,
      must_change_password: inputs.must,
    }, ["name"]);
    const attrs = attributesPatch(user.attributes || {}, inputs.attributes.value);
    if (attrs.error) {
      showErrors(profile, { message: attrs.error, details: [{ field: "attributes", message: attrs.error }] });
      return;
    }
    if (Object.keys(attrs.patch).length) body.attributes = attrs.patch;
    if (!Object.keys(body).length) {
      say("Nothing has changed.");
      return;
    }
    const saved = await busy(save, "Saving…", () => api("PATCH", path, body), profile);
    if (saved) {
      say(`Saved ${saved.data.username}.`);
      reload();
    }
  });

  // Block.
  const reason = h("input", { maxlength: 500 });
  const blockButton = h("button", { class: user.blocked ? "" : "danger", type: "submit" }, user.blocked ? "Unblock" : "Block");
  const blockForm = h("form", { class: "stack", novalidate: true },
    user.blocked
      ? h("p", {}, "Blocked", user.block_reason ? `: ${user.block_reason}` : ".")
      : field("Reason", "block_reason", reason, "Recorded in the audit trail and shown to admins"),
    h("div", { class: "actions" }, blockButton));
  blockForm.addEventListener("submit", async (event) => {
    event.preventDefault();
    const body = user.blocked ? { blocked: false } : { blocked: true, block_reason: reason.value.trim() || null };
    const saved = await busy(blockButton, user.blocked ? "Unblocking…" : "Blocking…", () => api("PATCH", path, body), blockForm);
    if (saved) {
      say(`${saved.data.username} is ${saved.data.blocked ? "blocked" : "unblocked"}.`);
      reload();
    }
  });

  // Password reset.
  const resetButton = h("button", { type: "button" }, "Reset password");
  const resetResult = h("div");
  resetButton.addEventListener("click", async () => {
    const saved = await busy(resetButton, "Resetting…", () =>
      api("PATCH", path, { generate_password: true, must_change_password: true }),
    );
    if (saved && saved.generated_password) {
      resetResult.replaceChildren(passwordShown(saved.generated_password, saved.data.username));
      say(`The password of ${saved.data.username} was reset; it must be changed at the next login.`);
    }
  });

  // Groups.
  const groups = (await api("GET", `${path}/groups`)).data;
  const groupName = h("input", { autocapitalize: "none" });
  const joinButton = h("button", { type: "submit" }, "Add to group");
  const joinForm = h("form", { class: "filters", novalidate: true }, field("Group", "group", groupName), h("div", { class: "actions" }, joinButton));
  joinForm.addEventListener("submit", async (event) => {
    event.preventDefault();
    const g = groupName.value.trim();
    if (!g) return;
    const done = await busy(joinButton, "Adding…", () =>
      api("POST", `/groups/${encodeURIComponent(g)}/members`, { users: [user.id] }), joinForm);
    if (done) {
      say(`${user.username} is in ${done.data.group.name}.`);
      reload();
    }
  });
  const groupList = h("ul", {}, groups.length
    ? groups.map((g) => {
      const leave = h("button", { type: "button" }, "Remove");
      leave.setAttribute("aria-label", `Remove ${user.username} from ${g.name}`);
      leave.addEventListener("click", async () => {
        const done = await busy(leave, "Removing…", () =>
          api("DELETE", `/groups/${encodeURIComponent(g.id)}/members/${encodeURIComponent(user.id)}`));
        if (done !== undefined) reload();
      });
      return h("li", {}, h("a", { href: `#/groups/${encodeURIComponent(g.id)}` }, g.name), " ", leave);
    })
    : h("li", { class: "hint" }, "In no group."));

  // Delete.
  const deleteButton = h("button", { class: "danger", type: "button" }, "Delete…");
  deleteButton.addEventListener("click", async () => {
    if (!confirm(`Delete ${user.username}? The account goes to the recycle bin, where it can be restored.`)) return;
    const done = await busy(deleteButton, "Deleting…", () => api("DELETE", path));
    if (done !== undefined) go("#/users", `${user.username} is in the recycle bin.`);
  });

  show(
    h("h1", {}, user.username, " ", userBadges(user)),
    h("dl", { class: "facts" },
      h("dt", {}, "Id"), h("dd", {}, user.id),
      h("dt", {}, "Created"), h("dd", {}, when(user.created_at)),
      h("dt", {}, "Updated"), h("dd", {}, when(user.updated_at)),
      h("dt", {}, "Last login"), h("dd", {}, when(user.last_login_at)),
      h("dt", {}, "Password changed"), h("dd", {}, when(user.password_changed_at))),
    h("h2", { id: "profile-title" }, "Profile"), profile,
    h("h2", {}, user.blocked ? "Blocked" : "Block"), blockForm,
    h("h2", {}, "Password"), h("div", { class: "actions" }, resetButton), resetResult,
    h("h2", {}, "Groups"), groupList, joinForm,
    h("h2", {}, "Delete"), h("div", { class: "actions" }, deleteButton),
  );
}

// ---- the recycle bin ---------------------------------------------------

async function binView(params) {
  const form = filterForm(params, "#/bin", false);
  const list = pager(
    async (cursor) => {
      const p = apiParams(params, cursor);
      delete p.group;
      delete p.sort;
      const page = await api("GET", `/recycle-bin${query(p)}`);
      return { rows: page.data, next: page.next_cursor };
    },
    (users) =>
      users.map((u) => {
        const restore = h("button", { type: "button" }, "Restore");
        restore.setAttribute("aria-label", `Restore ${u.username}`);
        const purge = h("button", { type: "button", class: "danger" }, "Delete for good");
        purge.setAttribute("aria-label", `Delete ${u.username} for good`);
        const row = h("tr", {},
          h("td", {}, u.username),
          h("td", {}, u.email),
          h("td", { class: "opt" }, when(u.deleted_at)),
          h("td", {}, h("div", { class: "actions" }, restore, purge)));
        restore.addEventListener("click", async () => {
          let body;
          for (;;) {
            try {
              working(true);
              const done = await api("POST", `/recycle-bin/${encodeURIComponent(u.id)}/restore`, body);
              say(`${done.data.username} is back.`);
              row.remove();
              return;
            } catch (err) {
              if (!(err instanceof ApiError) || !me) return;
              if (err.status !== 409) {
                say(err.message, true);
                return;
              }
              const name = prompt(`${err.message}. Restore under another username?`, `${u.username}-restored`);
              if (!name) return;
              body = { username: name.trim() };
            } finally {
              working(false);
            }
          }
        });
        purge.addEventListener("click", async () => {
          if (!confirm(`Delete ${u.username} for good? This cannot be undone.`)) return;
          const done = await busy(purge, "Deleting…", () => api("DELETE", `/recycle-bin/${encodeURIComponent(u.id)}`));
          if (done !== undefined) {
            say(`${u.username} is gone for good.`);
            row.remove();
          }
        });
        return row;
      }),
    [["Username"], ["Email"], ["Deleted", "opt"], ["Actions"]],
    "Deleted users, kept for the retention period",
  );
  show(h("h1", {}, "Recycle bin"), form, list.element);
  await list.go(null);
}

// ---- groups ------------------------------------------------------------

async function groupsView() {
  const name = h("input", { autocapitalize: "none" });
  const display = h("input");
  const create = h("button", { class: "primary", type: "submit" }, "Create group");
  const form = h("form", { class: "filters", novalidate: true },
    field("Name", "name", name), field("Display name", "display_name", display), h("div", { class: "actions" }, create));
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const body = { name: name.value.trim() };
    if (display.value.trim()) body.display_name = display.value.trim();
    const done = await busy(create, "Creating…", () => api("POST", "/groups", body), form);
    if (done) {
      say(`Created group ${done.data.name}.`);
      render();
    }
  });
  const list = pager(
    async (cursor) => {
      const page = await api("GET", `/groups${query({ limit: 50, cursor })}`);
      return { rows: page.data, next: page.next_cursor };
    },
    (groups) =>
      groups.map((g) =>
        h("tr", {},
          h("td", {}, h("a", { href: `#/groups/${encodeURIComponent(g.id)}` }, g.name)),
          h("td", {}, g.display_name || ""),
          h("td", {}, String(g.members)))),
    [["Name"], ["Display name"], ["Members"]],
    "Groups",
  );
  show(h("h1", {}, "Groups"), form, list.element);
  await list.go(null);
}

async function groupView(ref) {
  const group = (await api("GET", `/groups/${encodeURIComponent(ref)}`)).data;
  const path = `/groups/${encodeURIComponent(group.id)}`;
  const name = h("input", { value: group.name, autocapitalize: "none" });
  const display = h("input", { value: group.display_name || "" });
  const save = h("button", { class: "primary", type: "submit" }, "Save changes");
  const form = h("form", { class: "stack", novalidate: true },
    field("Name", "name", name), field("Display name", "display_name", display), h("div", { class: "actions" }, save));
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const body = changedFields(group, { name, display_name: display }, ["display_name"]);
    if (!Object.keys(body).length) return say("Nothing has changed.");
    const done = await busy(save, "Saving…", () => api("PATCH", path, body), form);
    if (done) {
      say(`Saved ${done.data.name}.`);
      render();
    }
    return undefined;
  });
  const users = h("input", { autocapitalize: "none" });
  const add = h("button", { type: "submit" }, "Add members");
  const addForm = h("form", { class: "filters", novalidate: true },
    field("Users", "users", users, "Usernames, emails or ids, separated by commas or spaces"), h("div", { class: "actions" }, add));
  addForm.addEventListener("submit", async (event) => {
    event.preventDefault();
    const names = users.value.split(/[\s,]+/).filter(Boolean);
    if (!names.length) return;
    const done = await busy(add, "Adding…", () => api("POST", `${path}/members`, { users: names }), addForm);
    if (done) {
      say(`Added ${done.data.changed.length}; ${done.data.unchanged.length} already members.`);
      render();
    }
  });
  const list = pager(
    async (cursor) => {
      const page = await api("GET", `${path}/members${query({ limit: 50, cursor })}`);
      return { rows: page.data, next: page.next_cursor };
    },
    (members) =>
      members.map((u) => {
        const remove = h("button", { type: "button" }, "Remove");
        remove.setAttribute("aria-label", `Remove ${u.username}`);
        remove.addEventListener("click", async () => {
          const done = await busy(remove, "Removing…", () => api("DELETE", `${path}/members/${encodeURIComponent(u.id)}`));
          if (done !== undefined) render();
        });
        return h("tr", {},
          h("td", {}, h("a", { href: `#/users/${encodeURIComponent(u.id)}` }, u.username)),
          h("td", {}, u.email),
          h("td", {}, remove));
      }),
    [["Username"], ["Email"], ["Actions"]],
    `${group.members} members`,
  );
  const del = h("button", { class: "danger", type: "button" }, "Delete group…");
  del.addEventListener("click", async () => {
    if (!confirm(`Delete group ${group.name}? Its members stay; only the group goes.`)) return;
    const done = await busy(del, "Deleting…", () => api("DELETE", path));
    if (done !== undefined) go("#/groups", `Deleted group ${group.name}.`);
  });
  show(h("h1", {}, group.name), form, h("h2", {}, "Members"), addForm, list.element,
    h("h2", {}, "Delete"), h("div", { class: "actions" }, del));
  await list.go(null);
}

// ---- API keys ----------------------------------------------------------

async function keysView() {
  const inputs = {
    name: h("input", { autocapitalize: "none" }),
    user: h("input", { autocapitalize: "none" }),
    expires: h("input", { placeholder: "90d", size: 6 }),
    readOnly: h("input", { type: "checkbox" }),
  };
  const create = h("button", { class: "primary", type: "submit" }, "Create key");
  const created = h("div");
  const form = h("form", { class: "filters", novalidate: true },
    field("Name", "name", inputs.name),
    field("Acts as user", "user", inputs.user),
    field("Expires in", "expires_in", inputs.expires, "Empty: never"),
    field("Read-only", "read_only", inputs.readOnly),
    h("div", { class: "actions" }, create));
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const body = { name: inputs.name.value.trim(), user: inputs.user.value.trim(), read_only: inputs.readOnly.checked };
    if (inputs.expires.value.trim()) body.expires_in = inputs.expires.value.trim();
    const done = await busy(create, "Creating…", () => api("POST", "/keys", body), form);
    if (!done) return;
    await drawKeys();
    created.replaceChildren(h("div", { class: "panel", role: "alert" },
      h("p", {}, `The key ${done.data.name}. It is shown this once; store it now.`),
      h("p", { class: "secret", "data-secret": "key" }, done.data.key)));
    form.reset();
  });
  const body = h("tbody");
  async function drawKeys() {
    const rows = [];
    let cursor = null;
    do {
      const page = await api("GET", `/keys${query({ limit: 1000, cursor })}`);
      rows.push(...page.data);
      cursor = page.next_cursor;
    } while (cursor);
    body.replaceChildren(...(rows.length ? rows.map((k) => {
      const revoke = h("button", { type: "button", class: "danger" }, "Revoke");
      revoke.setAttribute("aria-label", `Revoke ${k.name}`);
      revoke.addEventListener("click", async () => {
        if (!confirm(`Revoke ${k.name}? Services using it are refused at once.`)) return;
        const done = await busy(revoke, "Revoking…", () => api("DELETE", `/keys/${encodeURIComponent(k.name)}`));
        if (done !== undefined) {
          say(`Revoked ${k.name}.`);
          drawKeys();
        }
      });
      return h("tr", {},
        h("td", {}, k.name, k.read_only ? h("span", { class: "badge" }, "read-only") : null),
        h("td", {}, k.username || k.user),
        h("td", { class: "opt" }, when(k.created_at)),
        h("td", { class: "opt" }, k.expires_at ? when(k.expires_at) : "never"),
        h("td", { class: "opt" }, when(k.last_used_at)),
        h("td", {}, revoke));
    }) : [h("tr", {}, h("td", { colspan: 6, class: "empty" }, "No keys."))]));
  }
  show(h("h1", {}, "API keys"), form, created,
    h("div", { class: "table-wrap" }, h("table", {},
      h("thead", {}, h("tr", {}, ["Name", "User", ["Created", "opt"], ["Expires", "opt"], ["Last used", "opt"], "Actions"].map((c) =>
        Array.isArray(c) ? h("th", { scope: "col", class: c[1] }, c[0]) : h("th", { scope: "col" }, c)))),
      body)));
  await drawKeys();
}

// ---- the audit trail ---------------------------------------------------

const ACTIONS = [
  "create", "import", "update", "block", "unblock", "role", "password_change", "password_reset",
  "delete", "restore", "purge", "revoke_token", "login", "login_failed", "settings",
  "group_create", "group_update", "group_delete", "group_add", "group_remove", "key_create", "key_revoke",
];

async function auditView(params) {
  const inputs = {
    user: h("input", { value: params.get("user") || "", autocapitalize: "none" }),
    actor: h("input", { value: params.get("actor") || "" }),
    action: select([["", "Any"], ...ACTIONS.map((a) => [a, a.replace(/_/g, " ")])], params.get("action") || ""),
    since: h("input", { type: "date", value: (params.get("since") || "").slice(0, 10) }),
    until: h("input", { type: "date", value: (params.get("until") || "").slice(0, 10) }),
  };
  const form = h("form", { class: "filters", role: "search", "aria-label": "Filter the audit trail" },
    field("User", "user", inputs.user), field("Actor", "actor", inputs.actor), field("Action", "action", inputs.action),
    field("Since", "since", inputs.since), field("Until", "until", inputs.until),
    h("div", { class: "actions" }, h("button", { class: "primary", type: "submit" }, "Apply"), h("a", { href: "#/audit" }, "Clear")));
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const next = new URLSearchParams();
    for (const [k, input] of Object.entries(inputs)) {
      let v = input.value.trim();
      if (v && (k === "since" || k === "until")) v = `${v}T00:00:00Z`;
      if (v) next.set(k, v);
    }
    location.hash = `#/audit?${next}`;
  });
  const list = pager(
    async (after) => {
      const p = { limit: 50, after };
      for (const k of ["user", "actor", "action", "since", "until"]) if (params.get(k)) p[k] = params.get(k);
      const page = await api("GET", `/audit${query(p)}`);
      return { rows: page.data, next: page.next_after === undefined ? null : String(page.next_after) };
    },
    (records) =>
      records.map((r) =>
        h("tr", {},
          h("td", {}, String(r.seq)),
          h("td", {}, when(r.at)),
          h("td", {}, r.action.replace(/_/g, " ")),
          h("td", {}, r.actor),
          h("td", {}, r.username || (r.usernames ? r.usernames.slice(0, 5).join(", ") + (r.usernames.length > 5 ? ` and ${r.usernames.length - 5} more` : "") : "")),
          h("td", { class: "opt" }, r.client || ""),
          h("td", { class: "opt" }, r.details ? JSON.stringify(r.details) : ""))),
    [["#"], ["When"], ["Action"], ["Actor"], ["User"], ["Client", "opt"], ["Details", "opt"]],
    "Audit records, oldest first",
  );
  show(h("h1", {}, "Audit trail"), form, list.element);
  try {
    await list.go(null);
  } catch (err) {
    if (err instanceof ApiError && me) showErrors(form, err);
    else throw err;
  }
}

// ---- my account --------------------------------------------------------

async function meView() {
  const user = (await api("GET", `/users/${encodeURIComponent(me.id)}`)).data;
  me.user = user;
  drawNav();
  const path = `/users/${encodeURIComponent(user.id)}`;
  const email = h("input", { type: "email", value: user.email, autocomplete: "email" });
  const name = h("input", { value: user.name || "", autocomplete: "name" });
  const save = h("button", { class: "primary", type: "submit" }, "Save changes");
  const profile = h("form", { class: "stack", novalidate: true },
    field("Email", "email", email), field("Display name", "name", name), h("div", { class: "actions" }, save));
  profile.addEventListener("submit", async (event) => {
    event.preventDefault();
    const body = changedFields(user, { email, name }, ["name"]);
    if (!Object.keys(body).length) return say("Nothing has changed.");
    const done = await busy(save, "Saving…", () => api("PATCH", path, body), profile);
    if (done) {
      say("Your account is saved.");
      render();
    }
    return undefined;
  });
  const pwForm = passwordForm(path);
  show(
    h("h1", {}, "My account"),
    h("dl", { class: "facts" },
      h("dt", {}, "Username"), h("dd", {}, user.username),
      h("dt", {}, "Role"), h("dd", {}, user.role),
      h("dt", {}, "Last login"), h("dd", {}, when(user.last_login_at))),
    h("h2", {}, "Profile"), profile,
    h("h2", {}, "Password"), pwForm,
  );
}

/** A form to change one's own password; the session ends after it. */
function passwordForm(path) {
  const current = h("input", { type: "password", autocomplete: "current-password" });
  const fresh = h("input", { type: "password", autocomplete: "new-password" });
  const again = h("input", { type: "password", autocomplete: "new-password" });
  const change = h("button", { class: "primary", type: "submit" }, "Change password");
  const pwForm = h("form", { class: "stack", novalidate: true },
    field("Current password", "current_password", current),
    field("New password", "password", fresh, "At least 8 characters"),
    field("New password again", "again", again),
    h("div", { class: "actions" }, change));
  pwForm.addEventListener("submit", async (event) => {
    event.preventDefault();
    if (fresh.value !== again.value) {
      showErrors(pwForm, { message: "the two new passwords differ", details: [{ field: "again", message: "does not match the new password" }] });
      return;
    }
    const done = await busy(change, "Changing…", () =>
      api("PATCH", path, { password: fresh.value, current_password: current.value }), pwForm);
    for (const input of [current, fresh, again]) input.value = "";
    if (done) {
      // Tokens from before a password change are dead: this one too.
      await signOut("Your password is changed. Sign in with the new one.");
    }
  });
  return pwForm;
}

/** All a session may do while its password must be changed. */
function passwordView() {
  show(
    h("h1", {}, "Change your password"),
    h("p", { class: "panel", role: "alert" }, "Your password must be changed before you can go on."),
    passwordForm(`/users/${encodeURIComponent(me.id)}`),
  );
}

// ---- start -------------------------------------------------------------

window.addEventListener("hashchange", () => {
  say(flash);
  flash = "";
  render();
});

(async () => {
  try {
    me = (await api("GET", `${BASE}session`)).data;
  } catch {
    me = null;
  }
  render();
})();
