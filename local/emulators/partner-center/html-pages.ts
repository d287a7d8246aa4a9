/** Plain HTML pages (no script) for the acceptance link and the admin-center stand-in. */
import { escapeHtml } from '../escape-html';
import { MCA_AGREEMENT_LINK } from './emulator-state';
import { html, type Reply } from './http-kit';

export function page(status: number, title: string, body: string): Reply {
  return html(
    status,
    `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>
body { font-family: system-ui, sans-serif; max-width: 40rem; margin: 3rem auto; padding: 0 1rem; color: #222; }
.banner { background: #fff4ce; padding: .5rem 1rem; border-radius: 4px; font-size: .9rem; }
button { font-size: 1rem; padding: .6rem 1.4rem; background: #0067b8; color: #fff; border: 0; border-radius: 4px; cursor: pointer; }
.state { font-weight: 600; }
</style>
</head>
<body>
<p class="banner">Local Partner Center emulator: nothing here is a real Microsoft page or agreement.</p>
<h1>${escapeHtml(title)}</h1>
${body}
</body>
</html>
`,
  );
}

export function notFoundPage(what: string): Reply {
  return page(404, 'Not found', `<p>${escapeHtml(what)} was not found.</p>`);
}

/** The review-and-accept block shared by the acceptance link and the admin center. */
export function acceptForm(companyName: string, action: string, buttonLabel: string): string {
  return `<p>Company: <strong>${escapeHtml(companyName)}</strong></p>
<p>Please review the <a href="${escapeHtml(MCA_AGREEMENT_LINK)}">Microsoft Customer Agreement</a>.</p>
<form method="post" action="${escapeHtml(action)}">
<button type="submit">${escapeHtml(buttonLabel)}</button>
</form>`;
}
