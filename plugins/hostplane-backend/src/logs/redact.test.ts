import { pemBegin, pemEnd } from './__fixtures__/pemArmor';
import { LineRedactor, REDACTED, redactLine } from './redact';

const JWT =
  'eyJhbGciOiJSUzI1NiIsImtpZCI6IjEifQ.eyJzdWIiOiJzeXN0ZW06c2VydmljZWFjY291bnQifQ.c2lnbmF0dXJlLXBhcnQ';

describe('redactLine', () => {
  it.each([
    [
      'an Authorization header, keeping its scheme',
      'I1208 10:15:00.000000 1 httplog.go:1] Authorization: Bearer s3cr3t-t0ken.value',
      `I1208 10:15:00.000000 1 httplog.go:1] Authorization: Bearer ${REDACTED}`,
    ],
    [
      'a quoted authorization field in JSON',
      '{"level":"info","authorization":"Basic dXNlcjpwYXNz","path":"/"}',
      `{"level":"info","authorization":"Basic ${REDACTED}","path":"/"}`,
    ],
    [
      'a bearer token anywhere',
      'request with bearer abc.def-ghi failed',
      `request with bearer ${REDACTED} failed`,
    ],
    [
      'a bearer token that begins with the word token',
      'request with bearer token-0123456789 failed',
      `request with bearer ${REDACTED} failed`,
    ],
    [
      'a password in a URL',
      'dialing postgres://app:hunter2@db.internal:5432/app',
      `dialing postgres://app:${REDACTED}@db.internal:5432/app`,
    ],
    [
      'a token flag',
      'Flag: --token=0123456789abcdef --v=2',
      `Flag: --token=${REDACTED} --v=2`,
    ],
    [
      'a password key in JSON',
      '{"user":"a","password": "hunter2","x":1}',
      `{"user":"a","password": "${REDACTED}","x":1}`,
    ],
    [
      'client-key-data of a kubeconfig',
      '    client-key-data: LS0tLS1CRUdJTiBSU0EgUFJJVkFURSBLRVktLS0tLQo=',
      `    client-key-data: ${REDACTED}`,
    ],
    ['a JWT on its own', `token is ${JWT} now`, `token is ${REDACTED} now`],
    [
      'an AWS access key id',
      'using AKIAIOSFODNN7EXAMPLE for s3',
      `using ${REDACTED} for s3`,
    ],
    [
      'a private key block within one line',
      `key="${pemBegin('RSA')}\\nMIIEow\\n${pemEnd('RSA')}" loaded`,
      `key="${REDACTED} PRIVATE KEY" loaded`,
    ],
  ])('redacts %s', (_what, line, expected) => {
    expect(redactLine(line)).toBe(expected);
  });

  it.each([
    'I1208 10:15:00.000000 1 controller.go:42] Starting controller',
    '{"level":"info","msg":"serving client traffic","address":"127.0.0.1:2379"}',
    'GET https://10.0.0.1:6443/api/v1/namespaces?limit=500 200 OK',
    'E1208 10:15:00.000000 1 reflector.go:1] tokens issued: 3',
    'E1208 10:15:00.000000 1 authentication.go:76] "Unable to authenticate the request" err="invalid bearer token"',
  ])('leaves a line without secrets as it is: %s', line => {
    expect(redactLine(line)).toBe(line);
  });

  it('never lets a planted secret through, whatever surrounds it', () => {
    const secrets = ['hunter2', 's3cr3t-t0ken', JWT];
    for (const prefix of ['', 'x ', '"', '{"a":"']) {
      for (const line of [
        `${prefix}Authorization: Bearer ${secrets[1]}`,
        `${prefix}https://admin:${secrets[0]}@host/`,
        `${prefix}${secrets[2]}`,
        `${prefix}password=${secrets[0]}`,
      ]) {
        const redacted = redactLine(line);
        for (const secret of secrets) expect(redacted).not.toContain(secret);
      }
    }
  });
});

describe('LineRedactor', () => {
  it('redacts a private key printed over several lines, and only those lines', () => {
    const redactor = new LineRedactor();
    const lines = [
      'loading key',
      `prefix ${pemBegin('EC')}`,
      'MHcCAQEEIBkg4LVWM9nuwNSk3yByxZpYRTBnVJk5oEvaFCBxRnZdoAoGCCqGSM49',
      'AwEHoUQDQgAE',
      `${pemEnd('EC')} then password=x`,
      'done',
    ];
    expect(lines.map(line => redactor.redact(line))).toEqual([
      'loading key',
      `prefix ${REDACTED} PRIVATE KEY`,
      REDACTED,
      REDACTED,
      `${REDACTED} then password=${REDACTED}`,
      'done',
    ]);
  });
});
