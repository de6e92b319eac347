// SPDX-License-Identifier: AGPL-3.0-or-later
// tests/openapi/check-routes.mjs - holds docs/openapi.yaml to the server's route table.
//
//   node tests/openapi/check-routes.mjs [SPEC] [KLIENTAS_BIN]
//
// Compares the operations of the spec (method + path) and their `x-roles` with
// `klientas routes` ("METHOD PATH ROLES" a line, ROLES `public` or comma-separated).
// Prints one line per route, `ok   route GET /api/v1/me` or `FAIL route ...: why`, and
// exits 1 if any failed, 2 if the check could not run at all.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';

const specPath = process.argv[2] ?? 'docs/openapi.yaml';
const bin = process.argv[3] ?? process.env.KLIENTAS_BIN ?? 'build/klientas';
const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];
const ROLES = ['manager', 'head', 'director', 'logistics', 'admin'];

function die(msg) {
  console.log(`FAIL routes: ${msg}`);
  process.exit(2);
}

// Roles as a canonical string: "public", or the known roles in table order; errors as
// a string starting with "!".
function canonical(roles, where) {
  if (roles === 'public') return 'public';
  if (!Array.isArray(roles) || roles.length === 0)
    return `!${where} has no x-roles (public, or a list of ${ROLES.join(', ')})`;
  const unknown = roles.filter((r) => !ROLES.includes(r));
  if (unknown.length) return `!${where} has unknown roles in x-roles: ${unknown.join(', ')}`;
  if (new Set(roles).size !== roles.length) return `!${where} repeats a role in x-roles`;
  return ROLES.filter((r) => roles.includes(r)).join(',');
}

let spec;
try {
  spec = parse(readFileSync(specPath, 'utf8'));
} catch (e) {
  die(`cannot read ${specPath}: ${e.message}`);
}
if (!spec || typeof spec.paths !== 'object' || spec.paths === null) die(`${specPath} has no paths`);

const inSpec = new Map(); // "METHOD PATH" -> canonical roles
for (const [path, item] of Object.entries(spec.paths)) {
  for (const m of METHODS) {
    if (item?.[m] === undefined) continue;
    const key = `${m.toUpperCase()} ${path}`;
    inSpec.set(key, canonical(item[m]['x-roles'], key));
  }
}

let out;
try {
  out = execFileSync(bin, ['routes'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
} catch (e) {
  die(`cannot run \`${bin} routes\` (make build/klientas): ${e.message.split('\n')[0]}`);
}
const inServer = new Map(); // "METHOD PATH" -> canonical roles
for (const line of out.split('\n')) {
  if (!line.trim()) continue;
  const f = line.trim().split(/\s+/);
  if (f.length !== 3) die(`unexpected line from \`${bin} routes\`: ${line}`);
  const [method, path, roles] = f;
  const key = `${method} ${path}`;
  if (inServer.has(key)) die(`\`${bin} routes\` lists ${key} twice`);
  inServer.set(key, canonical(roles === 'public' ? 'public' : roles.split(','), `server ${key}`));
}
if (inServer.size === 0) die(`\`${bin} routes\` printed no route`);

let failed = 0;
const show = (roles) => (roles === 'public' ? 'public' : `[${roles.split(',').join(', ')}]`);
const keys = [...inServer.keys(), ...[...inSpec.keys()].filter((k) => !inServer.has(k))];
for (const key of keys) {
  const server = inServer.get(key);
  const doc = inSpec.get(key);
  let why = null;
  if (doc === undefined) why = `missing in ${specPath} (the server has it, roles ${show(server)})`;
  else if (server === undefined) why = `in ${specPath} but not a route of the server`;
  else if (server.startsWith('!')) why = server.slice(1);
  else if (doc.startsWith('!')) why = doc.slice(1);
  else if (doc !== server)
    why = `roles differ: ${specPath} says x-roles ${show(doc)}, the server allows ${show(server)}`;
  if (why) {
    failed++;
    console.log(`FAIL route ${key}: ${why}`);
  } else {
    console.log(`ok   route ${key}`);
  }
}
process.exit(failed ? 1 : 0);
