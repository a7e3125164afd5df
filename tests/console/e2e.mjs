// The web console in headless Chromium against real servers (see run.sh):
// what an administrator and a plain user see and can do, and what no one
// can make it do.
import assert from "node:assert/strict";
import { createRequire } from "node:module";

const require = createRequire(`${process.env.PLAYWRIGHT}/`);
const { chromium } = require(process.env.PLAYWRIGHT);

const URL_MAIN = process.env.CONSOLE_URL;
const ADMIN_PASSWORD = process.env.ADMIN_PASSWORD;
// Markup in every field a person can type into: it must show as text.
const XSS = `<img src=x onerror="window.__xss='img'"><script>window.__xss='script'</script>`;

const browser = await chromium.launch({
  executablePath: "/usr/bin/chromium",
  args: [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
  ],
});

let failures = 0;
const pages = [];
async function step(name, body) {
  const started = Date.now();
  try {
    await body();
    console.log(`PASS ${name} (${Date.now() - started} ms)`);
  } catch (err) {
    failures += 1;
    console.log(`FAIL ${name}\n${err.stack || err}`);
    // What each open page showed then.
    for (const page of pages) {
      if (page.isClosed()) continue;
      const seen = await page.evaluate(() => `${document.getElementById("notice").textContent} | ${document.getElementById("main").innerText}`);
      console.log(`  ${page.url()}: ${seen.slice(0, 400).replace(/\s+/g, " ")}`);
    }
  }
}

/** A fresh browser profile, with a record of every page error. */
async function person(options = {}) {
  const context = await browser.newContext({ viewport: { width: 1200, height: 900 }, ...options });
  const page = await context.newPage();
  pages.push(page);
  page.errors = [];
  page.on("pageerror", (e) => page.errors.push(String(e)));
  page.on("dialog", (d) => d.accept(page.answer ?? undefined));
  return { context, page };
}

/** Goes to a view of the console and waits until it is drawn whole. */
async function visit(page, url) {
  const drawn = () => Number(document.getElementById("main")?.dataset.rendered || 0);
  let before = await page.evaluate(drawn).catch(() => 0);
  if (page.url() === url) {
    // The same view again: drawn anew from a fresh load.
    before = 0;
    await page.reload();
  } else {
    await page.goto(url);
  }
  await page.waitForFunction((n) => Number(document.getElementById("main")?.dataset.rendered || 0) > n, before);
}

async function signIn(page, base, username, password) {
  await page.goto(`${base}/admin/`);
  await page.getByLabel("Username or email").fill(username);
  await page.getByLabel("Password", { exact: true }).fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
}

/** Fills the password form (current, new, new again) and sends it. */
async function changePassword(page, current, next, again) {
  await page.getByLabel("Current password").fill(current);
  await page.getByLabel("New password", { exact: true }).fill(next);
  await page.getByLabel("New password again").fill(again);
  await page.getByRole("button", { name: "Change password" }).click();
}

async function noScriptRan(page) {
  assert.equal(await page.evaluate(() => window.__xss ?? null), null, "injected markup ran");
  assert.deepEqual(page.errors, []);
}

const admin = await person();
const A = admin.page;
let carolPassword = "";
let carolId = "";

await step("the console's answers carry a strict policy and no inline script", async () => {
  const res = await fetch(`${URL_MAIN}/admin/`);
  assert.equal(res.status, 200);
  const csp = res.headers.get("content-security-policy");
  assert.match(csp, /script-src 'self'/);
  assert.match(csp, /frame-ancestors 'none'/);
  assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval/);
  assert.equal(res.headers.get("x-frame-options"), "DENY");
  assert.equal(res.headers.get("x-content-type-options"), "nosniff");
  const html = await res.text();
  assert.doesNotMatch(html, /<script(?![^>]*\bsrc=)[^>]*>/, "an inline script");
  assert.doesNotMatch(html, /https?:\/\//, "a resource from elsewhere");
  const bare = await fetch(`${URL_MAIN}/admin`, { redirect: "manual" });
  assert.equal(bare.status, 308);
  assert.equal(bare.headers.get("location"), "/admin/");
});

await step("a wrong password is refused beside the form, and no cookie is set", async () => {
  await signIn(A, URL_MAIN, "admin", "not the password");
  await A.getByText("invalid username or password").waitFor();
  assert.equal((await admin.context.cookies()).length, 0);
  assert.equal(await A.getByLabel("Password", { exact: true }).inputValue(), "");
});

await step("an admin signs in with the keyboard alone; the token stays out of reach", async () => {
  await A.goto(`${URL_MAIN}/admin/`);
  await A.getByLabel("Username or email").waitFor();
  // The page puts the cursor in the first field.
  assert.equal(await A.evaluate(() => document.activeElement.name), "username");
  await A.keyboard.type("admin");
  await A.keyboard.press("Tab");
  await A.keyboard.type(ADMIN_PASSWORD);
  await A.keyboard.press("Enter");
  await A.getByRole("heading", { name: "Users", exact: true }).waitFor();
  const [cookie] = await admin.context.cookies();
  assert.equal(cookie.name, "usersctl_console");
  assert.equal(cookie.httpOnly, true);
  assert.equal(cookie.sameSite, "Strict");
  assert.equal(await A.evaluate(() => document.cookie), "", "the script can read the cookie");
  assert.equal(await A.evaluate(() => localStorage.length + sessionStorage.length), 0);
  assert.ok(!A.url().includes(cookie.value), "the token is in the URL");
  assert.ok(!(await A.content()).includes(cookie.value), "the token is in the page");
});

await step("the API takes the cookie only from the console, and a sign-in only from its own origin", async () => {
  const [cookie] = await admin.context.cookies();
  const jar = `usersctl_console=${cookie.value}`;
  // Another site's form or script can send the cookie, never the header.
  let res = await fetch(`${URL_MAIN}/users`, { headers: { Cookie: jar } });
  assert.equal(res.status, 401);
  res = await fetch(`${URL_MAIN}/users`, { headers: { Cookie: jar, "X-Usersctl-Console": "1" } });
  assert.equal(res.status, 200);
  res = await fetch(`${URL_MAIN}/admin/session`, {
    method: "POST",
    headers: { "Content-Type": "application/json", "X-Usersctl-Console": "1", Origin: "http://evil.example" },
    body: JSON.stringify({ username: "admin", password: ADMIN_PASSWORD }),
  });
  assert.equal(res.status, 403);
  assert.equal(res.headers.get("set-cookie"), null);
  res = await fetch(`${URL_MAIN}/admin/session`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ username: "admin", password: ADMIN_PASSWORD }),
  });
  assert.equal(res.status, 403);
});

await step("an admin creates a user whose every field carries markup; the password is shown once", async () => {
  await A.getByRole("link", { name: "Create user" }).click();
  await A.getByLabel("Username").fill("carol");
  await A.getByLabel("Email").fill("carol@example.com");
  await A.getByLabel("Display name").fill(XSS);
  await A.getByRole("button", { name: "Create user" }).click();
  const secret = A.locator("[data-secret=password]");
  await secret.waitFor();
  carolPassword = (await secret.textContent()).trim();
  assert.ok(carolPassword.length >= 12, "a generated password");
  await A.getByRole("link", { name: "Open carol" }).click();
  await A.getByRole("heading", { name: /^carol\b/ }).waitFor();
  carolId = (await A.locator("dl.facts dd").first().textContent()).trim();
  assert.equal(await A.getByLabel("Display name").inputValue(), XSS);
  await noScriptRan(A);
});

await step("the create form says what is wrong beside each field and keeps the rest", async () => {
  await visit(A, `${URL_MAIN}/admin/#/users/new`);
  await A.getByLabel("Username").fill("X");
  await A.getByLabel("Email").fill("not-an-email");
  await A.getByRole("button", { name: "Create user" }).click();
  const username = A.getByLabel("Username");
  await A.waitForFunction(() => document.querySelector("[name=username]").getAttribute("aria-invalid") === "true");
  const described = await username.getAttribute("aria-describedby");
  const errorText = await A.locator(`#${described.split(" ").pop()}`).textContent();
  assert.ok(errorText.length > 0, "no error beside the username");
  assert.equal(await A.getByLabel("Email").getAttribute("aria-invalid"), "true");
  assert.equal(await A.getByLabel("Email").inputValue(), "not-an-email");
});

await step("search finds the user; the markup in its name renders as text", async () => {
  await visit(A, `${URL_MAIN}/admin/#/users`);
  await A.getByLabel("Search").fill("carol");
  await A.getByRole("button", { name: "Apply" }).click();
  await A.waitForURL(/search=carol/);
  await A.waitForFunction(() => document.querySelectorAll("tbody tr").length === 1);
  const row = A.locator("tbody tr").filter({ hasText: "carol@example.com" });
  await row.waitFor();
  assert.equal(await row.locator("td").nth(2).textContent(), XSS);
  assert.equal(await A.locator("main img, main script").count(), 0);
  // Filters: no admin named carol, and a never-logged-in carol.
  await A.getByLabel("Role").selectOption("admin");
  await A.getByRole("button", { name: "Apply" }).click();
  await A.getByText("Nothing matches.").waitFor();
  await A.getByLabel("Role").selectOption("");
  await A.getByLabel("Never logged in").check();
  await A.getByRole("button", { name: "Apply" }).click();
  await A.locator("tbody tr").filter({ hasText: "carol" }).waitFor();
  await A.getByLabel("Inactive for").fill("soon");
  await A.getByRole("button", { name: "Apply" }).click();
  await A.waitForFunction(() => document.querySelector("[name=inactive_for]").getAttribute("aria-invalid") === "true");
  await noScriptRan(A);
});

await step("the users list sorts by username and email, either way", async () => {
  // What the API holds, in id order, read through the console's own session.
  const all = await A.evaluate(async () => {
    const r = await fetch("/users?limit=1000", { headers: { "X-Usersctl-Console": "1" } });
    return (await r.json()).data.map((u) => [u.username, u.email.toLowerCase()]);
  });
  assert.ok(all.length >= 2, "at least two users to order");
  const bytes = (a, b) => (Buffer.from(a) < Buffer.from(b) ? -1 : Buffer.from(a) > Buffer.from(b) ? 1 : 0);
  const shown = async () => (await A.locator("tbody tr td:first-child a").allTextContents());
  for (const [label, hash, order] of [
    ["Username, Z to A", "sort=-username", [...all].sort((a, b) => bytes(b[0], a[0]))],
    ["Email, A to Z", "sort=email", [...all].sort((a, b) => bytes(a[1], b[1]))],
    ["Newest first", "sort=-id", [...all].reverse()],
  ]) {
    await visit(A, `${URL_MAIN}/admin/#/users`);
    await A.getByLabel("Order").selectOption({ label });
    const drawn = await A.evaluate(() => Number(document.getElementById("main").dataset.rendered));
    await A.getByRole("button", { name: "Apply" }).click();
    await A.waitForURL(new RegExp(hash));
    await A.waitForFunction((n) => Number(document.getElementById("main").dataset.rendered) > n, drawn);
    await A.getByText(`Users: ${label}`).waitFor();
    assert.deepEqual(await shown(), order.map(([name]) => name), label);
    // The order is kept in the address: a reload shows it again.
    await visit(A, A.url());
    assert.equal(await A.getByLabel("Order").inputValue(), hash.slice("sort=".length));
  }
  await noScriptRan(A);
});

await step("an admin edits the name and attributes, with markup, and sees them as saved", async () => {
  await visit(A, `${URL_MAIN}/admin/#/users/carol`);
  await A.getByLabel("Display name").fill(`Carol ${XSS}`);
  await A.getByLabel("Attributes (a JSON object)").fill(JSON.stringify({ team: XSS }));
  await A.getByRole("button", { name: "Save changes" }).click();
  await A.getByText("Saved carol.").waitFor();
  const stored = await A.evaluate(async () => (await fetch("/users/carol", { headers: { "X-Usersctl-Console": "1" } })).json());
  assert.equal(stored.data.name, `Carol ${XSS}`);
  assert.deepEqual(stored.data.attributes, { team: XSS });
  await A.getByLabel("Attributes (a JSON object)").fill("[1, 2]");
  await A.getByRole("button", { name: "Save changes" }).click();
  await A.getByText("must be a JSON object").first().waitFor();
  // An emptied display name is cleared; the name goes back afterwards.
  await visit(A, `${URL_MAIN}/admin/#/users/carol`);
  await A.getByLabel("Display name").fill("");
  await A.getByRole("button", { name: "Save changes" }).click();
  await A.waitForFunction(async () => {
    const r = await fetch("/users/carol", { headers: { "X-Usersctl-Console": "1" } });
    return ((await r.json()).data.name ?? null) === null;
  });
  await visit(A, `${URL_MAIN}/admin/#/users/carol`);
  assert.equal(await A.getByLabel("Display name").inputValue(), "");
  await A.getByLabel("Display name").fill(`Carol ${XSS}`);
  await A.getByRole("button", { name: "Save changes" }).click();
  await A.getByText("Saved carol.").waitFor();
  await noScriptRan(A);
});

const plain = await person();
const P = plain.page;

await step("an admin changes a user's role, and sees progress while a slow save runs", async () => {
  await visit(A, `${URL_MAIN}/admin/#/users/carol`);
  // The save's answer held back a while: the button says what is going on,
  // the progress bar shows, and the page is marked busy for screen readers.
  let release;
  const held = new Promise((r) => { release = r; });
  await A.route("**/users/*", async (route) => {
    if (route.request().method() === "PATCH") await held;
    await route.continue();
  });
  await A.getByLabel("Role").selectOption("admin");
  await A.getByRole("button", { name: "Save changes" }).click();
  await A.getByRole("button", { name: "Saving…" }).waitFor();
  assert.equal(await A.getByRole("button", { name: "Saving…" }).isDisabled(), true);
  assert.equal(await A.locator("#progress").isVisible(), true);
  assert.equal(await A.locator("main").getAttribute("aria-busy"), "true");
  release();
  await A.getByText("Saved carol.").waitFor();
  await A.unroute("**/users/*");
  await A.waitForFunction(() => document.getElementById("progress").hidden);
  const stored = async () => A.evaluate(async () => (await (await fetch("/users/carol", { headers: { "X-Usersctl-Console": "1" } })).json()).data.role);
  assert.equal(await stored(), "admin");
  await visit(A, `${URL_MAIN}/admin/#/users/carol`);
  assert.equal(await A.getByLabel("Role").inputValue(), "admin");
  await A.getByLabel("Role").selectOption("user");
  await A.getByRole("button", { name: "Save changes" }).click();
  await A.waitForFunction(async () => (await (await fetch("/users/carol", { headers: { "X-Usersctl-Console": "1" } })).json()).data.role === "user");
  await noScriptRan(A);
});

await step("a user who must change its password may do that and nothing else", async () => {
  await signIn(P, URL_MAIN, "carol", carolPassword);
  await P.getByRole("heading", { name: "Change your password", exact: true }).waitFor();
  assert.deepEqual(await P.locator("nav a").allTextContents(), ["My account"]);
  await visit(P, `${URL_MAIN}/admin/#/users`);
  await P.getByRole("heading", { name: "Change your password", exact: true }).waitFor();
  const status = await P.evaluate(async () => (await fetch("/users", { headers: { "X-Usersctl-Console": "1" } })).status);
  assert.equal(status, 403);
  await changePassword(P, "wrong wrong wrong", "Carols-New-Pass-2026", "Carols-New-Pass-2026");
  await P.waitForFunction(() => document.querySelector("[name=current_password]").getAttribute("aria-invalid") === "true");
  await changePassword(P, carolPassword, "Carols-New-Pass-2026", "Another-Pass-2026");
  await P.getByText("does not match the new password").waitFor();
  await changePassword(P, carolPassword, "Carols-New-Pass-2026", "Carols-New-Pass-2026");
  await P.getByText("Your password is changed.").waitFor();
  carolPassword = "Carols-New-Pass-2026";
});

await step("a plain user sees and edits only its own account", async () => {
  await signIn(P, URL_MAIN, "carol", carolPassword);
  await P.getByRole("heading", { name: "My account", exact: true }).waitFor();
  assert.deepEqual(await P.locator("nav a").allTextContents(), ["My account"]);
  await visit(P, `${URL_MAIN}/admin/#/users`);
  await P.getByRole("heading", { name: "My account", exact: true }).waitFor();
  // What the console does not offer a plain user, the API refuses it.
  const refused = await P.evaluate(async () => {
    const headers = { "X-Usersctl-Console": "1", "Content-Type": "application/json" };
    return [
      (await fetch("/audit", { headers })).status,
      (await fetch("/users/admin", { method: "PATCH", headers, body: '{"name":"x"}' })).status,
      (await fetch("/keys", { headers })).status,
    ];
  });
  assert.deepEqual(refused, [403, 403, 403]);
  await P.getByLabel("Display name").fill(`${XSS} (Carol)`);
  await P.getByRole("button", { name: "Save changes" }).click();
  await P.getByText("Your account is saved.").waitFor();
  assert.equal(await P.getByLabel("Display name").inputValue(), `${XSS} (Carol)`);
  await noScriptRan(P);
});

await step("a block, with markup in its reason, ends the blocked user's session at once", async () => {
  await visit(A, `${URL_MAIN}/admin/#/users/carol`);
  await A.getByLabel("Reason").fill(XSS);
  await A.getByRole("button", { name: "Block", exact: true }).click();
  await A.getByText("carol is blocked.").waitFor();
  await A.getByText(`Blocked: ${XSS}`).waitFor();
  await P.getByLabel("Display name").fill("Carol, blocked?");
  await P.getByRole("button", { name: "Save changes" }).click();
  await P.getByText("Your session has ended: account is blocked").waitFor();
  await P.getByRole("button", { name: "Sign in" }).waitFor();
  await A.getByRole("button", { name: "Unblock" }).click();
  await A.getByText("carol is unblocked.").waitFor();
  await noScriptRan(A);
  await noScriptRan(P);
});

await step("a password reset shows the new password once; the user must change it", async () => {
  await A.getByRole("button", { name: "Reset password" }).click();
  const secret = A.locator("[data-secret=password]");
  await secret.waitFor();
  const fresh = (await secret.textContent()).trim();
  assert.ok(fresh.length >= 12 && fresh !== carolPassword);
  await A.reload();
  await A.getByRole("heading", { name: /carol/ }).waitFor();
  assert.equal(await A.locator("[data-secret]").count(), 0, "shown again");
  assert.equal(await A.getByLabel("Must change password at next login").isChecked(), true);
  carolPassword = fresh;
});

await step("groups: create one with markup in its name, add and remove a member", async () => {
  await A.getByRole("link", { name: "Groups" }).click();
  await A.getByLabel("Name", { exact: true }).fill("engineering");
  await A.getByLabel("Display name").fill(XSS);
  await A.getByRole("button", { name: "Create group" }).click();
  await A.getByText("Created group engineering.").waitFor();
  await A.getByRole("link", { name: "engineering" }).click();
  await A.getByLabel("Users").fill("carol");
  await A.getByRole("button", { name: "Add members" }).click();
  await A.getByText("Added 1; 0 already members.").waitFor();
  await A.locator("tbody tr").filter({ hasText: "carol@example.com" }).waitFor();
  await visit(A, `${URL_MAIN}/admin/#/users/carol`);
  await A.getByRole("link", { name: "engineering" }).waitFor();
  await A.getByRole("button", { name: "Remove carol from engineering" }).click();
  await A.getByText("In no group.").waitFor();
  await noScriptRan(A);
});

await step("an API key is shown once, listed without it, and revoked", async () => {
  await A.getByRole("link", { name: "API keys" }).click();
  await A.getByLabel("Name", { exact: true }).fill("billing");
  await A.getByLabel("Acts as user").fill("admin");
  await A.getByLabel("Read-only").check();
  await A.getByRole("button", { name: "Create key" }).click();
  const secret = A.locator("[data-secret=key]");
  await secret.waitFor();
  const key = (await secret.textContent()).trim();
  const works = await fetch(`${URL_MAIN}/users/carol`, { headers: { Authorization: `Bearer ${key}` } });
  assert.equal(works.status, 200);
  const readOnly = await fetch(`${URL_MAIN}/users/carol`, {
    method: "PATCH",
    headers: { Authorization: `Bearer ${key}`, "Content-Type": "application/json" },
    body: '{"name":"x"}',
  });
  assert.equal(readOnly.status, 403);
  assert.equal(await A.locator("tbody").getByText(key).count(), 0);
  await A.getByRole("button", { name: "Revoke billing" }).click();
  await A.getByText("Revoked billing.").waitFor();
  const dead = await fetch(`${URL_MAIN}/users/carol`, { headers: { Authorization: `Bearer ${key}` } });
  assert.equal(dead.status, 401);
});

await step("delete to the recycle bin, then restore: the user is back whole", async () => {
  await visit(A, `${URL_MAIN}/admin/#/users/carol`);
  await A.getByRole("button", { name: "Delete…" }).click();
  await A.getByText("carol is in the recycle bin.").waitFor();
  assert.equal((await fetch(`${URL_MAIN}/health`)).status, 200);
  await A.getByRole("link", { name: "Recycle bin" }).click();
  await A.getByRole("button", { name: "Restore carol" }).click();
  await A.getByText("carol is back.").waitFor();
  const back = await A.evaluate(async () => (await fetch("/users/carol", { headers: { "X-Usersctl-Console": "1" } })).json());
  assert.equal(back.data.id, carolId);
  await signIn(P, URL_MAIN, "carol", carolPassword);
  await P.getByText("Your password must be changed").waitFor();
});

await step("the audit trail shows the console's changes, filtered", async () => {
  await A.getByRole("link", { name: "Audit trail" }).click();
  await A.getByLabel("Action").selectOption("delete");
  await A.getByRole("button", { name: "Apply" }).click();
  await A.waitForURL(/action=delete/);
  await A.waitForFunction(() => document.querySelectorAll("tbody tr").length === 1);
  const row = A.locator("tbody tr");
  assert.match(await row.textContent(), /delete.*user:.*carol/);
});

await step("the users list pages forward and back", async () => {
  // Enough users for two pages of 25, made through the API.
  await A.evaluate(async () => {
    for (let i = 0; i < 26; i += 1) {
      const name = `pager${String(i).padStart(2, "0")}`;
      const r = await fetch("/users", {
        method: "POST",
        headers: { "X-Usersctl-Console": "1", "Content-Type": "application/json" },
        body: JSON.stringify({ username: name, email: `${name}@example.com`, generate_password: true }),
      });
      if (r.status !== 201) throw new Error(`create ${name}: ${r.status}`);
    }
  });
  await visit(A, `${URL_MAIN}/admin/#/users?search=pager&limit=25&sort=username`);
  const shown = async () => A.locator("tbody tr td:first-child a").allTextContents();
  const first = await shown();
  assert.deepEqual(first, Array.from({ length: 25 }, (_, i) => `pager${String(i).padStart(2, "0")}`));
  assert.equal(await A.getByRole("button", { name: "Previous page" }).isDisabled(), true);
  await A.getByRole("button", { name: "Next page" }).click();
  await A.getByText("Page 2, 1 shown").waitFor();
  assert.deepEqual(await shown(), ["pager25"]);
  assert.equal(await A.getByRole("button", { name: "Next page" }).isDisabled(), true);
  await A.getByRole("button", { name: "Previous page" }).click();
  await A.getByText("Page 1, 25 shown").waitFor();
  assert.deepEqual(await shown(), first);
  // Out of the way of the steps after this one.
  await A.evaluate(async () => {
    const r = await fetch("/users", {
      method: "DELETE",
      headers: { "X-Usersctl-Console": "1", "Content-Type": "application/json" },
      body: JSON.stringify({ users: Array.from({ length: 26 }, (_, i) => `pager${String(i).padStart(2, "0")}`), purge: true }),
    });
    if (r.status !== 200) throw new Error(`delete: ${r.status}`);
  });
  await noScriptRan(A);
});

await step("a phone-width window shows the users list without sideways scrolling", async () => {
  const phone = await person({ viewport: { width: 375, height: 740 } });
  await signIn(phone.page, URL_MAIN, "admin", ADMIN_PASSWORD);
  await phone.page.getByRole("heading", { name: "Users", exact: true }).waitFor();
  const wide = await phone.page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(wide <= 375, `the page is ${wide} px wide`);
  await phone.context.close();
});

await step("dark mode follows the system", async () => {
  const dark = await person({ colorScheme: "dark" });
  await dark.page.goto(`${URL_MAIN}/admin/`);
  const bg = await dark.page.evaluate(() => getComputedStyle(document.body).backgroundColor);
  assert.equal(bg, "rgb(20, 23, 27)");
  await dark.context.close();
});

await step("signing out revokes the token and clears the cookie", async () => {
  const [cookie] = await admin.context.cookies();
  await A.getByRole("button", { name: "Sign out" }).click();
  await A.getByText("You have signed out.").waitFor();
  assert.equal((await admin.context.cookies()).length, 0);
  const res = await fetch(`${URL_MAIN}/users`, { headers: { Authorization: `Bearer ${cookie.value}` } });
  assert.equal(res.status, 401);
  await A.goto(`${URL_MAIN}/admin/#/users`);
  await A.getByRole("button", { name: "Sign in" }).waitFor();
});

await step("a session that runs out ends with a word why", async () => {
  const short = await person();
  await signIn(short.page, process.env.SHORT_URL, "admin", ADMIN_PASSWORD);
  await short.page.getByRole("heading", { name: "Users", exact: true }).waitFor();
  await short.page.waitForTimeout(8000);
  await short.page.getByRole("link", { name: "Groups" }).click();
  await short.page.getByText("Your session has ended").waitFor();
  await short.page.getByRole("button", { name: "Sign in" }).waitFor();
  await short.context.close();
});

await step("--console-path moves the console and --no-console switches it off", async () => {
  const moved = await fetch(`${process.env.MOVED_URL}/ops/console/`);
  assert.equal(moved.status, 200);
  assert.equal((await fetch(`${process.env.MOVED_URL}/admin/`)).status, 404);
  assert.equal((await fetch(`${process.env.OFF_URL}/admin/`)).status, 404);
  const m = await person();
  await m.page.goto(`${process.env.MOVED_URL}/ops/console/`);
  await m.page.getByLabel("Username or email").fill("admin");
  await m.page.getByLabel("Password", { exact: true }).fill(ADMIN_PASSWORD);
  await m.page.getByRole("button", { name: "Sign in" }).click();
  await m.page.getByRole("heading", { name: "Users", exact: true }).waitFor();
  await m.context.close();
});

await step("a screenshot of the users list for the README", async () => {
  const shot = await person({ viewport: { width: 1100, height: 640 } });
  await signIn(shot.page, URL_MAIN, "admin", ADMIN_PASSWORD);
  await shot.page.getByRole("heading", { name: "Users", exact: true }).waitFor();
  await shot.page.locator("tbody tr").first().waitFor();
  await shot.page.screenshot({ path: process.env.SCREENSHOT });
  await shot.context.close();
});

await browser.close();
if (failures) {
  console.log(`${failures} console test(s) failed`);
  process.exit(1);
}
console.log("every console test passed");
