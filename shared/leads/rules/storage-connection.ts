/**
 * The ISV's Azure Table connection (specs/leads.md 3.1): a storage connection string or a table SAS URL, checked
 * before anything is sent. Accepted: (a) `DefaultEndpointsProtocol=https;AccountName;AccountKey[;EndpointSuffix]`
 * with a known suffix; (b) `TableEndpoint=https://…;SharedAccessSignature=…` (or the SAS URL itself) with add and
 * update permission; (c) `UseDevelopmentStorage=true` or an http endpoint only when development storage is allowed.
 * Messages never quote the key or the signature.
 */
export type StorageConnectionCheck = { ok: true; connectionString: string } | { ok: false; code: string; message: string };

export const ENDPOINT_SUFFIXES: readonly string[] = [
  'core.windows.net',
  'core.chinacloudapi.cn',
  'core.usgovcloudapi.net',
  'core.cloudapi.de',
];

const ACCOUNT = /^[a-z0-9]{3,24}$/;
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

const fail = (code: string, message: string): StorageConnectionCheck => ({ ok: false, code, message });

/** A SAS's `sp` must allow add and update (upsert); an absent `sp` is left to the service (stored access policy). */
function sasPermissionProblem(sas: string): StorageConnectionCheck | undefined {
  // Stryker disable next-line Regex: a '?' further on would only be part of a parameter name or value, and no real sp name or value has one
  const sp = new URLSearchParams(sas.replace(/^\?/, '')).get('sp');
  if (sp !== null && !(sp.includes('a') && sp.includes('u')))
    return fail('sas_permissions', 'The shared access signature must allow add (a) and update (u) on the table.');
  if (!/(^|[?&])sig=/.test(sas)) return fail('invalid_sas', 'The shared access signature has no sig parameter.');
  return undefined;
}

function endpointProblem(text: string, allowDevStorage: boolean): StorageConnectionCheck | undefined {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return fail('invalid_connection_string', 'TableEndpoint must be an absolute URL.');
  }
  if (url.protocol === 'https:') return undefined;
  if (url.protocol === 'http:' && allowDevStorage) return undefined;
  return fail('https_required', 'The table endpoint must use https (http only for development storage, LEADS_ALLOW_DEV_STORAGE=true).');
}

function sasUrl(text: string, allowDevStorage: boolean): StorageConnectionCheck {
  const problem = endpointProblem(text, allowDevStorage);
  if (problem) return problem;
  const q = text.indexOf('?');
  if (q === -1) return fail('invalid_sas', 'A table SAS URL needs its query (sv, sp, sig, ...).');
  const sas = text.slice(q + 1);
  return sasPermissionProblem(sas) ?? { ok: true, connectionString: `TableEndpoint=${text.slice(0, q)};SharedAccessSignature=${sas}` };
}

export function parseStorageConnection(text: string, options: { allowDevStorage: boolean }): StorageConnectionCheck {
  if (text.length > 2048) return fail('too_long', 'The connection string must be at most 2048 characters.');
  if (/^https?:\/\//i.test(text.trim())) return sasUrl(text.trim(), options.allowDevStorage);
  const pairs = new Map<string, string>();
  for (const part of text.split(';')) {
    if (part.trim() === '') continue;
    const eq = part.indexOf('=');
    if (eq <= 0) return fail('invalid_connection_string', 'The connection string must be key=value pairs separated by semicolons.');
    const key = part.slice(0, eq).trim().toLowerCase();
    if (pairs.has(key)) return fail('duplicate_key', `The connection string names ${part.slice(0, eq).trim()} twice.`);
    pairs.set(key, part.slice(eq + 1).trim());
  }
  const dev = pairs.get('usedevelopmentstorage');
  if (dev !== undefined) {
    if (dev.toLowerCase() !== 'true') return fail('invalid_connection_string', 'UseDevelopmentStorage may only be true.');
    if (!options.allowDevStorage)
      return fail('dev_storage_not_allowed', 'Development storage is not allowed here (LEADS_ALLOW_DEV_STORAGE=true allows it).');
    return { ok: true, connectionString: 'UseDevelopmentStorage=true' };
  }
  const protocol = pairs.get('defaultendpointsprotocol')?.toLowerCase();
  if (protocol !== undefined && protocol !== 'https' && !(protocol === 'http' && options.allowDevStorage))
    return fail('https_required', 'DefaultEndpointsProtocol must be https.');
  const endpoint = pairs.get('tableendpoint');
  if (endpoint !== undefined) {
    const problem = endpointProblem(endpoint, options.allowDevStorage);
    if (problem) return problem;
  }
  const sas = pairs.get('sharedaccesssignature');
  if (sas !== undefined) {
    if (endpoint === undefined)
      return fail('missing_table_endpoint', 'A connection string with a SharedAccessSignature needs its TableEndpoint.');
    return sasPermissionProblem(sas) ?? { ok: true, connectionString: text.trim() };
  }
  const account = pairs.get('accountname');
  if (account === undefined) return fail('missing_account_name', 'The connection string needs AccountName.');
  if (!ACCOUNT.test(account)) return fail('invalid_account_name', 'AccountName must be 3 to 24 lower-case letters and digits.');
  const key = pairs.get('accountkey');
  if (key === undefined || key === '')
    return fail('missing_account_key', 'The connection string needs AccountKey (or a SharedAccessSignature).');
  if (!BASE64.test(key) || Buffer.from(key, 'base64').length < 32)
    return fail('invalid_account_key', 'AccountKey must be the base64 storage account key.');
  const suffix = pairs.get('endpointsuffix')?.toLowerCase();
  if (suffix !== undefined && !ENDPOINT_SUFFIXES.includes(suffix))
    return fail('unknown_endpoint_suffix', `EndpointSuffix must be one of ${ENDPOINT_SUFFIXES.join(', ')}.`);
  if (protocol === 'http' && endpoint === undefined)
    return fail('https_required', 'DefaultEndpointsProtocol=http is only for development storage with an explicit TableEndpoint.');
  return { ok: true, connectionString: text.trim() };
}
