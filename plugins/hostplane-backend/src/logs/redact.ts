/**
 * Redaction of secrets in log lines before they leave the backend, for the live path and for
 * search alike. A control plane logs its flags, requests and errors: bearer tokens, client keys,
 * passwords in URLs and `Authorization` headers can appear in any of them. What is redacted is
 * replaced by `[REDACTED]`, so a reader sees that something was there and what kind of thing.
 */

export const REDACTED = '[REDACTED]';

const PRIVATE_KEY_BEGIN = /-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----/;
const PRIVATE_KEY_END = /-----END [A-Z0-9 ]*PRIVATE KEY-----/;
/** A whole key block within one line (JSON lines escape its newlines). */
const PRIVATE_KEY_BLOCK =
  /-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----[\s\S]*?-----END [A-Z0-9 ]*PRIVATE KEY-----/g;

/** The characters a token, key or password is made of, up to a separator or a quote. */
const VALUE = `[^\\s"'\`,;&}\\]\\\\]+`;
/** A character that ends a value. */
const VALUE_END = `[\\s"'\`,;&}\\]\\\\]`;

const RULES: Array<{ pattern: RegExp; replace: string }> = [
  // `Authorization: Bearer x`, `"authorization":"Basic x"`, `Proxy-Authorization=...`: the scheme
  // stays, the credential goes.
  {
    pattern: new RegExp(
      `((?:proxy-)?authorization["']?\\s*[:=]\\s*["']?(?:(?:bearer|basic|digest|negotiate|token)\\s+)?)${VALUE}`,
      'gi',
    ),
    replace: `$1${REDACTED}`,
  },
  // A bearer token anywhere else (`--token`-less clients, quoted headers in errors); not the
  // words "bearer token" of the API server's own errors (`err="invalid bearer token"`).
  {
    pattern: new RegExp(
      `(\\bbearer\\s+)(?!\\[REDACTED\\])(?!tokens?(?:${VALUE_END}|$))${VALUE}`,
      'gi',
    ),
    replace: `$1${REDACTED}`,
  },
  // A password in a URL: `scheme://user:password@host`.
  {
    pattern: /(\b[a-z][a-z0-9+.-]*:\/\/[^\s:/@"']+:)[^\s@/"']+@/gi,
    replace: `$1${REDACTED}@`,
  },
  // `password=x`, `--token=x`, `"client_secret": "x"`, `client-key-data: x`, `X-Api-Key: x`.
  {
    pattern: new RegExp(
      `(\\b[\\w.-]*(?:password|passwd|passphrase|secret|token|api[_-]?key|access[_-]?key|private[_-]?key|client-key-data|credentials?)["']?\\s*[:=]\\s*["']?)(?!\\[REDACTED\\])${VALUE}`,
      'gi',
    ),
    replace: `$1${REDACTED}`,
  },
  // JSON Web Tokens (service-account tokens, OIDC ID tokens) wherever they stand.
  {
    pattern: /\beyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]*/g,
    replace: REDACTED,
  },
  // AWS access key ids and GitHub tokens, recognisable by their prefixes.
  {
    pattern: /\b(?:AKIA|ASIA)[A-Z0-9]{16}\b|\bgh[pousr]_[A-Za-z0-9]{36,}\b/g,
    replace: REDACTED,
  },
];

/** One line with every secret the rules recognise redacted (no state across lines). */
export function redactLine(line: string): string {
  let text = line.replace(PRIVATE_KEY_BLOCK, `${REDACTED} PRIVATE KEY`);
  for (const { pattern, replace } of RULES) {
    text = text.replace(pattern, replace);
  }
  return text;
}

/**
 * Redacts a stream of lines: a private key printed over several lines is redacted from its BEGIN
 * line to its END line, each line of it replaced whole.
 */
export class LineRedactor {
  private insidePrivateKey = false;

  redact(line: string): string {
    if (this.insidePrivateKey) {
      const end = PRIVATE_KEY_END.exec(line);
      if (!end) return REDACTED;
      this.insidePrivateKey = false;
      return `${REDACTED}${redactLine(line.slice(end.index + end[0].length))}`;
    }
    const redacted = redactLine(line);
    const begin = PRIVATE_KEY_BEGIN.exec(redacted);
    if (begin) {
      this.insidePrivateKey = true;
      return `${redacted.slice(0, begin.index)}${REDACTED} PRIVATE KEY`;
    }
    return redacted;
  }
}
