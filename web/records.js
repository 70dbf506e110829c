// Reading records: the kind and body of a Record, names of linked records
// (cached per page view) and a unit's chain of parents.

import {api, query} from './api.js';

export const KINDS = ['unit', 'tilbud', 'partner', 'praktik', 'person'];

/** {kind: 'unit', body: {...}} of a Record JSON. */
export function kindOf(record) {
  for (const kind of KINDS) if (record && record[kind]) return {kind, body: record[kind]};
  return {kind: '', body: {}};
}

export function titleOf(record) {
  const {kind, body} = kindOf(record);
  return (kind === 'praktik' ? body.title : body.name) || body.id || '';
}

const cache = new Map();

export function clearCache() {
  cache.clear();
}

/** The record with the id (a promise, cached). */
export function getRecord(id) {
  if (!cache.has(id)) {
    const p = api('GET', `/v1/records/${encodeURIComponent(id)}`);
    p.catch(() => cache.delete(id));
    cache.set(id, p);
  }
  return cache.get(id);
}

/** The unit chain from the root down to unitId (records), best effort. */
export async function unitChain(unitId) {
  const chain = [];
  let id = unitId;
  const seen = new Set();
  while (id && !seen.has(id) && chain.length < 20) {
    seen.add(id);
    let record;
    try {
      record = await getRecord(id);
    } catch (err) {
      break;
    }
    chain.unshift(record);
    id = record.unit && record.unit.parentId;
  }
  return chain;
}

/** All records of a kind below a parent unit (up to 1000). */
export async function children(parentId, kind) {
  const json = await api('GET', `/v1/records${query({parent: parentId, kind, pageSize: 1000})}`);
  return json.records || [];
}
