// Tests may talk to loopback only: the emulator, the Maps fake and the app itself.
// Anything else means a client was not pointed at a fake, and must fail loudly.
import net from 'node:net';

const LOOPBACK = /^(localhost|127\.\d+\.\d+\.\d+|::1|::ffff:127\.\d+\.\d+\.\d+)$/;
const originalConnect = net.Socket.prototype.connect;

type ConnectArgs = Parameters<typeof originalConnect>;

net.Socket.prototype.connect = function patchedConnect(this: net.Socket, ...args: ConnectArgs) {
  const [first, second] = args as unknown[];
  let host: string | undefined;
  if (first && typeof first === 'object') {
    const options = first as { host?: string; path?: string };
    if (options.path) return originalConnect.apply(this, args);
    host = options.host ?? 'localhost';
  } else if (typeof first === 'number') {
    host = typeof second === 'string' ? second : 'localhost';
  } else if (typeof first === 'string') {
    return originalConnect.apply(this, args); // unix socket path
  }
  if (host !== undefined && !LOOPBACK.test(host)) {
    throw new Error(`test tried to reach ${host}: only loopback is allowed in tests`);
  }
  return originalConnect.apply(this, args);
} as typeof originalConnect;
