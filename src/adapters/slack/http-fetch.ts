import { Agent, request } from 'undici';

// The Web API client (@slack/web-api's WebClient) keeps its error handling, rate-limit parsing
// and logging; only its transport changes. Node's built-in fetch costs ~0.5 ms of CPU per call
// on web streams, and views.open runs on the same event loop that must ack the next command
// within Slack's 3 s (bench/slack). undici's request() on a keep-alive agent does the same POST
// for a fraction of that. Bodies other than text (file uploads) still go through fetch.

export function keepAliveFetch(agent = new Agent({ keepAliveTimeout: 30_000, connections: 64 })): typeof fetch {
  return async (input, init) => {
    const body = init?.body;
    if (body !== undefined && body !== null && typeof body !== 'string') return fetch(input, init);
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    const res = await request(url, {
      method: (init?.method ?? 'GET') as 'GET',
      headers: init?.headers as Record<string, string> | undefined,
      body: body ?? null,
      signal: init?.signal ?? undefined,
      dispatcher: agent,
    });
    const headers = new Headers();
    for (const [k, v] of Object.entries(res.headers)) {
      if (Array.isArray(v)) for (const x of v) headers.append(k, x);
      else if (v !== undefined) headers.set(k, v);
    }
    const bytes = await res.body.arrayBuffer();
    const empty = res.statusCode === 204 || res.statusCode === 304;
    return new Response(empty ? null : bytes, { status: res.statusCode, headers });
  };
}
