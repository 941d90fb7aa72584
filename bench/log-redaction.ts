/**
 * What credential redaction costs per log line, for the request line pino-http writes on
 * every request and for a line carrying credentials, logged to a null sink:
 * - none: no redaction;
 * - pino paths: pino's `redact` with each credential name at the top level and 1–3 levels down
 *   (the first approach: 72 wildcard paths);
 * - service: the service's logger (`createLogger`: one copy-on-write walk per line).
 * CPU time (process.cpuUsage), so a busy machine skews it less than wall-clock time.
 *
 *   npx tsx bench/log-redaction.ts            # LINES=100000 by default
 */
import { Writable } from 'node:stream';
import { pino, type Logger } from 'pino';
import { createLogger, SECRET_FIELDS } from '../src/lib/logger.js';

const LINES = Number(process.env.LINES ?? 100_000);
const sink = new Writable({ write: (_c, _e, done) => done() });
const requestLine = {
  req: { id: 'req_0123456789abcdef0123456789abcdef', method: 'GET', url: '/api/experiments/42' },
  res: { status: 200 },
  responseTime: 3,
};
const secretLine = {
  user: { email: 'a@example.com', password: 'hunter22hunter22' },
  headers: { authorization: 'Bearer abc.def.ghi', 'x-api-key': 'lqa_0123456789' },
};

const wildcardPaths = [...SECRET_FIELDS].flatMap((key) => {
  const segment = /^[A-Za-z_$][\w$]*$/.test(key) ? key : `["${key}"]`;
  const at = (prefix: string) =>
    segment.startsWith('[') ? prefix + segment : `${prefix}.${segment}`;
  return [segment, at('*'), at('*.*'), at('*.*.*')];
});

function cpuMicrosPerLine(logger: Logger, line: object): number {
  for (let i = 0; i < 10_000; i++) logger.info(line, 'request completed'); // warm-up
  const start = process.cpuUsage();
  for (let i = 0; i < LINES; i++) logger.info(line, 'request completed');
  const used = process.cpuUsage(start);
  return (used.user + used.system) / LINES;
}

const loggers: Array<[string, Logger]> = [
  ['none', pino({ level: 'info' }, sink)],
  [
    `pino paths (${wildcardPaths.length})`,
    pino({ level: 'info', redact: { paths: wildcardPaths, censor: '[redacted]' } }, sink),
  ],
  ['service (walk)', createLogger('info', sink)],
];
console.log('µs CPU per line    request line   line with credentials');
for (const [name, logger] of loggers) {
  const plain = cpuMicrosPerLine(logger, requestLine);
  const secret = cpuMicrosPerLine(logger, secretLine);
  console.log(
    `${name.padEnd(18)} ${plain.toFixed(2).padStart(12)} ${secret.toFixed(2).padStart(23)}`,
  );
}
