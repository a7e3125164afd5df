// Drives every route of usersctl through the client @hey-api/openapi-ts made
// from /openapi.json, checking each status.
//
// usage: tsx drive.mts GEN_DIR BASE_URL
const [genDir, base] = process.argv.slice(2);
const sdk = await import(`${genDir}/sdk.gen.ts`);
const { client } = await import(`${genDir}/client.gen.ts`);
let token: string | undefined;
client.setConfig({ baseUrl: base, auth: () => token });
let passed = 0;
async function check(name: string, p: Promise<any>, code: number): Promise<any> {
  const r = await p;
  if (r.response.status !== code) throw new Error(`${name}: ${r.response.status} ${JSON.stringify(r.error ?? r.data)}`);
  passed++;
  return r.data ?? r.error;
}
await check("health", sdk.health(), 200);
await check("version", sdk.version(), 200);
await check("document", sdk.document_(), 200);
token = (await check("authenticate", sdk.authenticate({ body: { username: "admin", password: "Tr1cky-Horse-Battery-92" } }), 200)).data.token;
const u = await check("create_user(password)", sdk.createUser({ body: { username: "carol", email: "carol@example.com", password: "Zq8mPl4-vXy-Kw3", attributes: { team: "a" } } }), 201);
if (u.data.attributes.team !== "a") throw new Error("attributes");
const g = await check("create_user(generate)", sdk.createUser({ body: { username: "dave", email: "dave@example.com", generate_password: true } }), 201);
if (typeof g.generated_password !== "string") throw new Error("generated_password");
const page = await check("list_users", sdk.listUsers({ query: { limit: 1 } }), 200);
await check("list_users(cursor)", sdk.listUsers({ query: { limit: 1, cursor: page.next_cursor } }), 200);
await check("list_users(filters)", sdk.listUsers({ query: { role: "user", blocked: false, search: "car" } }), 200);
await check("get_user", sdk.getUser({ path: { user: "carol" } }), 200);
await check("get_user(404)", sdk.getUser({ path: { user: "nobody" } }), 404);
await check("update_user(PATCH)", sdk.updateUser({ path: { user: "carol" }, body: { name: "Carol", blocked: true } }), 200);
await check("delete_user", sdk.deleteUser({ path: { user: "dave" } }), 200);
await check("delete_users", sdk.deleteUsers({ body: { users: ["carol", "ghost"] } }), 200);
const bin = await check("list_deleted", sdk.listDeleted({ query: { search: "dave" } }), 200);
if (bin.data.length !== 1 || bin.data[0].username !== "dave") throw new Error("list_deleted");
await check("restore_user", sdk.restoreUser({ path: { user: "dave" }, body: { username: "davey" } }), 200);
const report = await check("restore_users", sdk.restoreUsers({ body: { users: ["carol", "ghost"] } }), 200);
if (report.data.restored[0] !== "carol") throw new Error("restore_users");
await check("delete_user(purge)", sdk.deleteUser({ path: { user: "carol" }, query: { purge: true } }), 200);
await check("delete_user(bin)", sdk.deleteUser({ path: { user: "davey" } }), 200);
await check("purge_user", sdk.purgeUser({ path: { user: "davey" } }), 200);
await check("empty_bin", sdk.emptyBin({ query: { older_than: "1d" } }), 200);
await check("settings", sdk.settings(), 200);
const st = await check("update_settings", sdk.updateSettings({ body: { bin_retention: "7d" } }), 200);
if (st.data.bin_retention !== "7d") throw new Error("update_settings");
const trail = await check("audit", sdk.audit({ query: { action: ["delete", "restore"], limit: 2 } }), 200);
if (trail.data.length !== 2 || trail.data[0].action !== "delete" || !trail.next_after) throw new Error("audit");
await check("audit(after)", sdk.audit({ query: { after: trail.next_after, user: "davey" } }), 200);
await check("audit(400)", sdk.audit({ query: { limit: 0 } }), 400);
const verdict = await check("verify_audit", sdk.verifyAudit(), 200);
if (verdict.data.first_bad !== null || verdict.data.records < 10) throw new Error("verify_audit");
await check("logout", sdk.logout(), 200);
await check("list_users(401)", sdk.listUsers(), 401);
console.log(`${passed} passed, 0 failed`);
