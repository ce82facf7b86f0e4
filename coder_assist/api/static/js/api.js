// Client of the coder-assist service: one fetch wrapper that turns every failure into an
// ApiError with a message fit for a coder, without ever echoing request data (PHI).

/** A failed request: `status` is the HTTP status, 0 when the service cannot be reached. */
export class ApiError extends Error {
  constructor(status, message) { super(message); this.status = status; }
}

/** Builds a user-facing message from an error body without echoing any input (PHI). */
function detailOf(data) {
  if (!data) return '';
  const { detail } = data;
  if (typeof detail === 'string') return detail;
  if (Array.isArray(detail)) {
    return detail.map((d) => {
      const loc = Array.isArray(d.loc) ? d.loc.filter((p) => p !== 'body').join('.') : '';
      return loc ? `${loc}: ${d.msg}` : String(d.msg || '');
    }).join('; ');
  }
  return '';
}

/** JSON request to this service; resolves to the parsed body, rejects with ApiError. */
export async function api(method, url, body, signal) {
  let resp;
  try {
    resp = await fetch(url, {
      method,
      headers: body === undefined ? { Accept: 'application/json' }
        : { 'Content-Type': 'application/json', Accept: 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal,
    });
  } catch (err) {
    if (err && err.name === 'AbortError') throw err;
    throw new ApiError(0, 'Cannot reach the coder-assist service. Check that it is running, then try again.');
  }
  let data = null;
  if ((resp.headers.get('content-type') || '').includes('json')) {
    try { data = await resp.json(); } catch (_) { data = null; }
  }
  if (!resp.ok) throw new ApiError(resp.status, detailOf(data));
  return data;
}
