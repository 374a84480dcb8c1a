// A real Better Auth server for end-to-end tests, in memory, bound to 127.0.0.1.
//
//   node server.mjs --port 0      (or PORT=0 node server.mjs; 0 = a free port)
//
// Prints exactly one line to stdout once listening:  READY http://127.0.0.1:<port>
// Everything else (Better Auth's logger, errors) goes to stderr.
// Exits 0 on SIGTERM/SIGINT. All state is lost on exit.
import http from "node:http";
import { betterAuth } from "better-auth";
import { memoryAdapter } from "better-auth/adapters/memory";
import { getAuthTables } from "better-auth/db";
import { toNodeHandler } from "better-auth/node";
import { admin, jwt } from "better-auth/plugins";

// stdout carries exactly one line (READY ...); send any stray console output to stderr.
console.log = console.info = console.debug = console.error;

const HOST = "127.0.0.1";
// Fixed, test-only secret (32+ chars). Never use outside tests.
const SECRET = "e2e-test-secret-do-not-use-in-production-0123456789";

function parsePort(argv, env) {
  let raw = env.PORT ?? "0";
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === "--port" && i + 1 < argv.length) raw = argv[++i];
    else if (argv[i].startsWith("--port=")) raw = argv[i].slice("--port=".length);
  }
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    console.error(`invalid port: ${JSON.stringify(raw)}`);
    process.exit(2);
  }
  return port;
}

async function listen(server, port) {
  await new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, HOST, () => {
      server.off("error", reject);
      resolve();
    });
  });
  return server.address().port;
}

// Better Auth reads config.baseURL at construction time, and the base URL is the
// JWT issuer/audience, so it must carry the real port. Bind first, build later.
const handlerRef = { current: null };
const server = http.createServer((req, res) => {
  if (!handlerRef.current) {
    res.writeHead(503).end();
    return;
  }
  handlerRef.current(req, res);
});

let port;
try {
  port = await listen(server, parsePort(process.argv.slice(2), process.env));
} catch (err) {
  console.error(`cannot listen on ${HOST}: ${err.message}`);
  process.exit(1);
}
const baseURL = `http://${HOST}:${port}`;

const options = {
  baseURL,
  secret: SECRET,
  emailAndPassword: { enabled: true },
  plugins: [jwt(), admin()],
  databaseHooks: {
    user: {
      create: {
        // The admin plugin does not let a client set `role` at sign-up; give
        // test users whose email starts with "admin" the admin role here.
        async before(user) {
          if (typeof user.email === "string" && user.email.toLowerCase().startsWith("admin")) {
            return { data: { ...user, role: "admin" } };
          }
          return { data: user };
        },
      },
    },
  },
  telemetry: { enabled: false },
  // Keep stdout for the READY line only: Better Auth logs go to stderr.
  logger: {
    level: process.env.BETTER_AUTH_LOG_LEVEL ?? "warn",
    log: (level, message, ...args) =>
      console.error(`${new Date().toISOString()} ${level.toUpperCase()} [Better Auth]: ${message}`, ...args),
  },
};

// The memory adapter throws "Model X not found" on reads from a table that is
// not a key of the db object, so declare every table the schema needs
// (user, session, account, verification, jwks, ...) up front.
const db = {};
for (const table of Object.values(getAuthTables({ ...options, database: undefined }))) {
  db[table.modelName] = [];
}
for (const name of ["user", "session", "account", "verification", "jwks"]) db[name] ??= [];

const auth = betterAuth({ ...options, database: memoryAdapter(db) });
handlerRef.current = toNodeHandler(auth);

let stopping = false;
function shutdown() {
  if (stopping) return;
  stopping = true;
  server.close(() => process.exit(0));
  server.closeAllConnections?.();
  setTimeout(() => process.exit(0), 2000).unref();
}
process.on("SIGTERM", shutdown);
process.on("SIGINT", shutdown);

process.stdout.write(`READY ${baseURL}\n`);
