/**
 * Whether a database error means "the server went away", not "the query was wrong". Sequelize
 * only wraps failures to *open* a connection in ConnectionError; a connection that dies under
 * a running query (PostgreSQL crash or restart, MariaDB killed, network cut) surfaces as a
 * plain DatabaseError such as "Connection terminated unexpectedly". Those are outages: the
 * client should get 503 and retry, not a 500.
 */
const LOST_CODES = new Set([
  // PostgreSQL: admin/crash shutdown, cannot connect now, connection exceptions (class 08).
  '57P01',
  '57P02',
  '57P03',
  '08000',
  '08003',
  '08006',
  '08001',
  '08004',
  // Node sockets and mysql2.
  'ECONNRESET',
  'ECONNREFUSED',
  'EPIPE',
  'ETIMEDOUT',
  'PROTOCOL_CONNECTION_LOST',
  'ER_SERVER_SHUTDOWN',
]);

const LOST_MESSAGE =
  /connection terminated|terminating connection|server closed the connection|connection is closed|closed state|connection lost|ECONNRESET|EPIPE/i;

export function isConnectionLost(err: unknown): boolean {
  if (!err || typeof err !== 'object') return false;
  const e = err as { message?: unknown; code?: unknown; original?: unknown; parent?: unknown };
  const inner = (e.original ?? e.parent) as { code?: unknown; message?: unknown } | undefined;
  const codes = [e.code, inner?.code].filter((c): c is string => typeof c === 'string');
  if (codes.some((c) => LOST_CODES.has(c))) return true;
  return [e.message, inner?.message].some((m) => typeof m === 'string' && LOST_MESSAGE.test(m));
}
