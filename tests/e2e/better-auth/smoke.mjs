// Smoke test of server.mjs: start it on a free port, sign up two users, get a
// JWT for each, check it against the JWKS, stop the server.
//   node smoke.mjs        -> prints "OK" and exits 0, or "FAIL: ..." and exits 1
import { spawn } from "node:child_process";
import { createPublicKey, verify } from "node:crypto";
import { fileURLToPath } from "node:url";

const here = fileURLToPath(new URL(".", import.meta.url));
const t0 = performance.now();
const server = spawn(process.execPath, ["server.mjs", "--port", "0"], {
  cwd: here,
  stdio: ["ignore", "pipe", "inherit"],
});

function stopServer() {
  return new Promise((resolve) => {
    if (server.exitCode !== null || server.signalCode !== null) return resolve(server.exitCode);
    server.once("exit", (code, signal) => resolve(code ?? signal));
    server.kill("SIGTERM");
  });
}

function waitReady(timeoutMs = 30000) {
  return new Promise((resolve, reject) => {
    let buf = "";
    const timer = setTimeout(() => reject(new Error("server not READY in time")), timeoutMs);
    server.stdout.setEncoding("utf8");
    server.stdout.on("data", (chunk) => {
      buf += chunk;
      const nl = buf.indexOf("\n");
      if (nl < 0) return;
      clearTimeout(timer);
      const m = /^READY (http:\/\/127\.0\.0\.1:(\d+))$/.exec(buf.slice(0, nl));
      if (!m) return reject(new Error(`unexpected first stdout line: ${JSON.stringify(buf.slice(0, nl))}`));
      resolve(m[1]);
    });
    server.once("exit", (code) => reject(new Error(`server exited early (${code})`)));
  });
}

function check(cond, what) {
  if (!cond) throw new Error(`check failed: ${what}`);
  console.log(`  ok  ${what}`);
}

const b64urlJson = (part) => JSON.parse(Buffer.from(part, "base64url").toString("utf8"));

// Keep only "name=value" of each Set-Cookie; the value is sent back verbatim
// (it is URL-encoded: do not decode it).
function cookieHeader(res) {
  return res.headers.getSetCookie().map((c) => c.split(";")[0]).join("; ");
}

// POSTs carry Origin = the server's origin: Better Auth's CSRF check answers
// 403 MISSING_OR_NULL_ORIGIN to a POST that has a Cookie or any Sec-Fetch-*
// header (Node's fetch always sends "sec-fetch-mode: cors") but no Origin.
async function postJson(base, path, body, headers = {}) {
  return fetch(base + path, {
    method: "POST",
    headers: { "content-type": "application/json", origin: new URL(base).origin, ...headers },
    body: JSON.stringify(body),
  });
}

async function getToken(base, cookie) {
  const res = await fetch(`${base}/api/auth/token`, { headers: { cookie } });
  if (res.status !== 200) throw new Error(`GET /api/auth/token -> ${res.status} ${await res.text()}`);
  return (await res.json()).token;
}

async function main() {
  const base = await waitReady();
  const readyMs = performance.now() - t0;
  console.log(`server ${base} READY after ${readyMs.toFixed(0)} ms (from spawn)`);
  const auth = `${base}/api/auth`;

  const ok = await fetch(`${auth}/ok`);
  check(ok.status === 200, "GET /api/auth/ok is 200");
  const noSession = await fetch(`${auth}/token`);
  check(noSession.status === 401, `GET /api/auth/token without cookie is 401 (got ${noSession.status})`);

  const suffix = Date.now().toString(36);
  const users = [
    { email: `admin-${suffix}@example.com`, password: "correct-horse-battery", name: "Admin Tester", role: "admin", via: "sign-up" },
    { email: `user-${suffix}@example.com`, password: "correct-horse-battery", name: "Plain Tester", role: "user", via: "sign-in" },
  ];

  for (const u of users) {
    const up = await postJson(auth, "/sign-up/email", { email: u.email, password: u.password, name: u.name });
    const upBody = await up.json();
    check(up.status === 200, `POST /sign-up/email ${u.email} is 200 (got ${up.status})`);
    u.id = upBody.user.id;
    let cookie = cookieHeader(up);
    if (u.via === "sign-in") {
      const inRes = await postJson(auth, "/sign-in/email", { email: u.email, password: u.password });
      check(inRes.status === 200, `POST /sign-in/email ${u.email} is 200 (got ${inRes.status})`);
      cookie = cookieHeader(inRes);
    }
    check(/^better-auth\.session_token=/.test(cookie), `session cookie from ${u.via}`);
    u.token = await getToken(base, cookie);
  }

  const jwksRes = await fetch(`${auth}/jwks`);
  const jwks = await jwksRes.json();
  console.log("JWKS:", JSON.stringify(jwks));
  check(jwksRes.status === 200 && Array.isArray(jwks.keys) && jwks.keys.length > 0, "JWKS has keys");

  for (const u of users) {
    const [h, p, s] = u.token.split(".");
    const header = b64urlJson(h);
    const payload = b64urlJson(p);
    console.log(`\n${u.email} (token via ${u.via} cookie)`);
    console.log("header: ", JSON.stringify(header));
    console.log("payload:", JSON.stringify(payload));
    check(header.alg === "EdDSA", "alg is EdDSA");
    const jwk = jwks.keys.find((k) => k.kid === header.kid);
    check(typeof header.kid === "string" && jwk !== undefined, "kid is in the JWKS");
    const sigOk = verify(null, Buffer.from(`${h}.${p}`), createPublicKey({ key: jwk, format: "jwk" }), Buffer.from(s, "base64url"));
    check(sigOk, "Ed25519 signature verifies with the JWKS key");
    check(payload.sub === u.id, "sub is the user id");
    check(payload.iss === base, `iss is ${base}`);
    check(payload.aud === base, `aud is ${base}`);
    check(payload.exp - payload.iat === 900, "exp - iat is 900");
    check(payload.role === u.role, `role is ${u.role}`);
  }
}

let code = 0;
try {
  await main();
} catch (err) {
  console.error(`FAIL: ${err.message}`);
  code = 1;
}
const exit = await stopServer();
if (code === 0 && exit !== 0) {
  console.error(`FAIL: server exit status on SIGTERM was ${exit}`);
  code = 1;
}
if (code === 0) console.log("\nOK");
process.exit(code);
