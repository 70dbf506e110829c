// node validate_openapi.mjs <openapi.json>
// An independent check of sofdir's OpenAPI document (GET /v1/openapi.json,
// written by openapi_dump): @apidevtools/swagger-parser validates it against
// the OpenAPI 3.0 schema and resolves every $ref; then the checks that
// schema cannot make (swagger-parser makes them for Swagger 2.0 only): each
// path variable is a required path parameter and each path parameter is in
// the path, operationIds are unique, every operation answers 200 and
// default, and the routes of the HTTP contract are there.
// Exit 0: valid; 1: invalid (the problems are printed); 77: skipped because
// tests/web/node_modules is missing (run `cd tests/web && npm ci`).
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const nodeModules = fileURLToPath(new URL('./node_modules', import.meta.url));
if (!existsSync(nodeModules)) {
  console.log(`SKIPPED: ${nodeModules} is missing; run \`cd tests/web && npm ci\``);
  process.exit(77);
}
const { default: SwaggerParser } = await import('@apidevtools/swagger-parser');

const file = process.argv[2];
if (!file) {
  console.error('usage: node validate_openapi.mjs <openapi.json>');
  process.exit(2);
}
const document = JSON.parse(readFileSync(file, 'utf8'));

const problems = [];
try {
  // validate() dereferences in place: give it a copy.
  await SwaggerParser.validate(structuredClone(document));
} catch (error) {
  problems.push(`swagger-parser: ${error.message}`);
}

if (document.openapi !== '3.0.3') problems.push(`openapi is ${document.openapi}, not 3.0.3`);

const verbs = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];
const operationIds = new Map();
for (const [path, item] of Object.entries(document.paths ?? {})) {
  const variables = [...path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]);
  for (const verb of verbs) {
    const operation = item[verb];
    if (!operation) continue;
    const where = `${verb.toUpperCase()} ${path}`;
    const id = operation.operationId;
    if (!id) problems.push(`${where}: no operationId`);
    else if (operationIds.has(id)) problems.push(`${where}: operationId ${id} also on ${operationIds.get(id)}`);
    else operationIds.set(id, where);
    const pathParameters = (operation.parameters ?? []).filter((p) => p.in === 'path');
    for (const variable of variables) {
      const parameter = pathParameters.find((p) => p.name === variable);
      if (!parameter) problems.push(`${where}: no path parameter for {${variable}}`);
      else if (parameter.required !== true) problems.push(`${where}: path parameter ${variable} is not required`);
    }
    for (const parameter of pathParameters) {
      if (!variables.includes(parameter.name)) problems.push(`${where}: path parameter ${parameter.name} is not in the path`);
    }
    if (!operation.responses?.['200']?.content?.['application/json']) problems.push(`${where}: no JSON 200 response`);
    if (operation.responses?.default?.content?.['application/json']?.schema?.$ref !== '#/components/schemas/Error') {
      problems.push(`${where}: default response is not the Error schema`);
    }
  }
}

// The routes of the HTTP contract (notes/common13.md), by operationId.
const expected = {
  GetRecord: 'GET /v1/records/{id}',
  ListRecords: 'GET /v1/records',
  CreateRecord: 'POST /v1/records',
  UpdateRecord: 'PATCH /v1/records/{id}',
  DeleteRecord: 'DELETE /v1/records/{id}',
  ImportRecords: 'POST /v1/records:import',
  ExportRecords: 'GET /v1/records:export',
  ListChanges: 'GET /v1/changes',
  SearchEntries: 'GET /v1/records:search',
  SuggestEntries: 'GET /v1/records:suggest',
  WhoKnows: 'GET /v1/records:whoKnows',
  VerifyRecord: 'POST /v1/records/{id}:verify',
  ListStaleRecords: 'GET /v1/records:stale',
  ListAudit: 'GET /v1/audit',
  ListPraktikOffers: 'GET /v1/praktik',
  BookPraktik: 'POST /v1/praktik/{offer_id}/bookings',
  CancelBooking: 'POST /v1/bookings/{booking_id}:cancel',
  GetBooking: 'GET /v1/bookings/{booking_id}',
  ListBookings: 'GET /v1/bookings',
  GetBookingCalendar: 'GET /v1/bookings/{booking_id}/calendar',
  CreateBackup: 'POST /v1/backups',
  ListBackups: 'GET /v1/backups',
  ListOutbox: 'GET /v1/outbox',
  // Not proto methods: signing in from a browser, and the document itself.
  GetSession: 'GET /auth/session',
  CreateSession: 'POST /auth/session',
  DeleteSession: 'DELETE /auth/session',
  GetOpenApiDocument: 'GET /v1/openapi.json',
};
for (const [id, where] of Object.entries(expected)) {
  if (operationIds.get(id) !== where) problems.push(`${id}: expected at ${where}, found at ${operationIds.get(id) ?? 'nowhere'}`);
}
for (const id of operationIds.keys()) {
  if (!(id in expected)) problems.push(`${id}: an operation the contract does not list`);
}

const search = document.paths?.['/v1/records:search']?.get;
const kinds = search?.parameters?.find((p) => p.name === 'kinds');
if (kinds?.in !== 'query' || kinds?.schema?.type !== 'array' || !kinds?.schema?.items?.enum?.includes('TILBUD')) {
  problems.push('SearchEntries: kinds is not a query array of RecordKind names');
}

if (problems.length > 0) {
  console.error(`${file}: ${problems.length} problem(s):\n  ${problems.join('\n  ')}`);
  process.exit(1);
}
console.log(`${file}: valid OpenAPI ${document.openapi}, ${operationIds.size} operations, ` +
  `${Object.keys(document.components?.schemas ?? {}).length} schemas`);
