import { OPERATIONS, type Operation } from './operations.ts';
import { PROBLEM_HELP } from './openapi.ts';
import { PROBLEM_TYPES, type ProblemCode } from './problem.ts';

const escape = (s: string): string => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** Inline code spans of the help texts, as HTML. */
const code = (s: string): string => escape(s).replace(/`([^`]+)`/g, '<code>$1</code>');

type Json = Record<string, unknown>;

function operationSection(id: string, op: Operation, doc: Json): string {
  const path = (doc.paths as Record<string, Record<string, Json>>)[op.path]![op.method]!;
  const body = (path.requestBody as { content: Record<string, { schema: unknown }> } | undefined)?.content[
    'application/json'
  ]?.schema;
  const parameters = (path.parameters as Json[] | undefined) ?? [];
  const responses = Object.entries(path.responses as Record<string, { description: string }>);
  return [
    `<section id="${escape(id)}">`,
    `<h3><span class="method ${op.method}">${op.method.toUpperCase()}</span> <code>${escape(op.path)}</code></h3>`,
    `<p>${escape(op.summary)}</p>`,
    `<p><strong>Roles:</strong> ${op.roles.map((r) => `<code>${r}</code>`).join(', ')}</p>`,
    parameters.length > 0
      ? `<p><strong>Parameters:</strong> ${parameters
          .map((p) =>
            '$ref' in p
              ? '<code>Idempotency-Key</code> (header)'
              : `<code>${escape(String(p.name))}</code> (${escape(String(p.in))})`,
          )
          .join(', ')}</p>`
      : '',
    body === undefined
      ? ''
      : `<details><summary>Request body (JSON Schema)</summary><pre>${escape(JSON.stringify(body, null, 2))}</pre></details>`,
    '<table><tr><th>status</th><th>meaning</th></tr>',
    ...responses.map(([status, r]) => `<tr><td>${status}</td><td>${code(r.description)}</td></tr>`),
    '</table>',
    '</section>',
  ].join('\n');
}

/**
 * `GET /docs`: the API description as one readable HTML page (no scripts, nothing fetched from
 * elsewhere), built from the same document as `/openapi.json`; each problem type has an anchor that
 * `/problems/<code>` redirects to.
 */
export function docsPage(doc: Json): string {
  const operations = (Object.entries(OPERATIONS) as [string, Operation][])
    .map(([id, op]) => operationSection(id, op, doc))
    .join('\n');
  const problems = (Object.keys(PROBLEM_TYPES) as ProblemCode[])
    .map(
      (c) =>
        `<tr id="problem-${c}"><td><code>/problems/${c}</code></td><td>${PROBLEM_TYPES[c].status}</td><td>${escape(PROBLEM_TYPES[c].title)}</td><td>${code(PROBLEM_HELP[c])}</td></tr>`,
    )
    .join('\n');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Fleetbridge API</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>
body{font-family:system-ui,sans-serif;max-width:960px;margin:2rem auto;padding:0 1rem;line-height:1.45;color:#1d2330}
code,pre{font-family:ui-monospace,monospace;font-size:.9em}pre{background:#f4f6f9;padding:.75rem;overflow:auto}
table{border-collapse:collapse;margin:.5rem 0}td,th{border:1px solid #d5dae3;padding:.25rem .5rem;text-align:left;vertical-align:top}
section{border-top:1px solid #d5dae3;padding-top:.5rem}.method{font-weight:700;padding:0 .3rem;border-radius:3px;color:#fff}
.get{background:#2f6fb3}.post{background:#2e8b57}.put{background:#b37a2f}.patch{background:#8a4fb3}.delete{background:#b33a2f}
</style></head><body>
<h1>Fleetbridge API</h1>
<p>Every request under <code>/v1</code> carries <code>Authorization: Bearer &lt;api key&gt;</code>. The machine-readable
description is <a href="/openapi.json">/openapi.json</a> (OpenAPI 3.1).</p>
<h2>Operations</h2>
${operations}
<h2 id="problems">Problem types</h2>
<table><tr><th>type</th><th>status</th><th>title</th><th>meaning</th></tr>
${problems}
</table>
</body></html>
`;
}
