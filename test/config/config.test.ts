// Config is read once at boot and must fail there, with one line naming the variable to fix,
// rather than deep inside a request hours later (STYLE 12).
import os from 'node:os';
import path from 'node:path';
import { ConfigError, loadConfig } from '../../src/config';
import { spawnHub } from '../support/server-process';

const SECRET = 'a-real-looking-channel-secret';
const TOKEN = 'a-real-looking-channel-access-token';
const ADMIN = 'admin-token-0123456789abcdef';

/** Runs loadConfig and returns the ConfigError it throws (failing the test if it does not throw one). */
function configError(env: NodeJS.ProcessEnv): ConfigError {
  try {
    loadConfig(env);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return err as ConfigError;
  }
  throw new Error(`loadConfig accepted ${JSON.stringify(env)}`);
}

describe('loadConfig', () => {
  it('when the environment is empty, then the hub runs on the in-process emulator with local defaults', () => {
    const config = loadConfig({});

    expect(config.port).toBe(3000);
    expect(config.emulatorPort).toBe(3100);
    expect(config.line.emulated).toBe(true);
    // The SDK clients are pointed at the emulator, never at api.line.me, when no credentials are set.
    expect(config.line.apiBaseUrl).toBe('http://127.0.0.1:3100');
    expect(path.isAbsolute(config.dataDir)).toBe(true);
    expect(config.dataDir).toBe(path.resolve('data'));
    expect(config.mongodbUri).toBeUndefined();
    expect(config.googleMapsApiKey).toBeUndefined();
    expect(config.logLevel).toBe('info');
    expect(config.adminToken.length).toBeGreaterThan(0);
  });

  it('when no LINE credentials are set, then the hub listens on loopback only; with them, on all interfaces', () => {
    expect(loadConfig({}).host).toBe('127.0.0.1');
    const real = loadConfig({ LINE_CHANNEL_SECRET: SECRET, LINE_CHANNEL_ACCESS_TOKEN: TOKEN, ADMIN_TOKEN: ADMIN });
    expect(real.host).toBeUndefined();
    expect(
      loadConfig({
        HOST: '10.0.0.5',
        LINE_CHANNEL_SECRET: SECRET,
        LINE_CHANNEL_ACCESS_TOKEN: TOKEN,
        ADMIN_TOKEN: ADMIN,
      }).host,
    ).toBe('10.0.0.5');
    expect(real.maxConnections).toBe(1_000);
    expect(loadConfig({ HTTP_MAX_CONNECTIONS: '5000' }).maxConnections).toBe(5_000);
  });

  it('when HOST opens the emulator mode to other machines without an ADMIN_TOKEN, then it refuses to start naming ADMIN_TOKEN', () => {
    const err = configError({ HOST: '0.0.0.0' });
    expect(err.variable).toBe('ADMIN_TOKEN');
    expect(err.message).toMatch(/HOST \(0\.0\.0\.0\) is not loopback/);
    expect(loadConfig({ HOST: '0.0.0.0', ADMIN_TOKEN: ADMIN }).host).toBe('0.0.0.0');
    expect(loadConfig({ HOST: 'localhost' }).host).toBe('localhost');
    expect(configError({ HOST: 'a b' }).variable).toBe('HOST');
    expect(configError({ HTTP_MAX_CONNECTIONS: '3' }).variable).toBe('HTTP_MAX_CONNECTIONS');
  });

  it('when EMULATOR_PORT and DATA_DIR are set, then the emulator URL follows the port and the data dir is resolved', () => {
    const config = loadConfig({ EMULATOR_PORT: '4100', DATA_DIR: 'tmp/hub-data', PORT: '8080' });

    expect(config.port).toBe(8080);
    expect(config.line.apiBaseUrl).toBe('http://127.0.0.1:4100');
    expect(config.dataDir).toBe(path.resolve('tmp/hub-data'));
  });

  it('when variables are set to empty strings, then they count as unset (as a blank line in .env does)', () => {
    const config = loadConfig({
      PORT: '',
      LINE_CHANNEL_SECRET: '',
      LINE_CHANNEL_ACCESS_TOKEN: '',
      MONGODB_URI: ' ',
      LOG_LEVEL: '',
    });

    expect(config.port).toBe(3000);
    expect(config.line.emulated).toBe(true);
    expect(config.mongodbUri).toBeUndefined();
  });

  it('when NODE_ENV is test and LOG_LEVEL is unset, then logging is silent', () => {
    expect(loadConfig({ NODE_ENV: 'test' }).logLevel).toBe('silent');
    expect(loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'debug' }).logLevel).toBe('debug');
  });

  it('when both LINE credentials and ADMIN_TOKEN are set, then the real LINE API is used', () => {
    const config = loadConfig({ LINE_CHANNEL_SECRET: SECRET, LINE_CHANNEL_ACCESS_TOKEN: TOKEN, ADMIN_TOKEN: ADMIN });

    expect(config.line).toEqual({
      channelSecret: SECRET,
      channelAccessToken: TOKEN,
      apiBaseUrl: undefined,
      emulated: false,
    });
    expect(config.adminToken).toBe(ADMIN);
  });

  it('when both LINE credentials and LINE_API_BASE_URL are set, then that URL is used (an external emulator)', () => {
    const config = loadConfig({
      LINE_CHANNEL_SECRET: SECRET,
      LINE_CHANNEL_ACCESS_TOKEN: TOKEN,
      ADMIN_TOKEN: ADMIN,
      LINE_API_BASE_URL: 'http://127.0.0.1:9999',
    });

    expect(config.line.emulated).toBe(false);
    expect(config.line.apiBaseUrl).toBe('http://127.0.0.1:9999');
  });

  it('when both LINE credentials are set without ADMIN_TOKEN, then boot fails naming ADMIN_TOKEN', () => {
    const err = configError({ LINE_CHANNEL_SECRET: SECRET, LINE_CHANNEL_ACCESS_TOKEN: TOKEN });

    expect(err.variable).toBe('ADMIN_TOKEN');
    expect(err.message).toContain('ADMIN_TOKEN');
  });

  it('when ADMIN_TOKEN is too short to be a secret, then boot fails naming ADMIN_TOKEN', () => {
    const err = configError({ LINE_CHANNEL_SECRET: SECRET, LINE_CHANNEL_ACCESS_TOKEN: TOKEN, ADMIN_TOKEN: 'admin' });

    expect(err.variable).toBe('ADMIN_TOKEN');
    expect(err.message).toContain('16');
  });

  it.each([
    ['LINE_CHANNEL_SECRET', { LINE_CHANNEL_ACCESS_TOKEN: TOKEN, ADMIN_TOKEN: ADMIN }],
    ['LINE_CHANNEL_ACCESS_TOKEN', { LINE_CHANNEL_SECRET: SECRET, ADMIN_TOKEN: ADMIN }],
  ])('when only one LINE credential is set, then boot fails naming the missing %s', (missing, env) => {
    const err = configError(env);

    expect(err.variable).toBe(missing);
    expect(err.message).toContain(missing);
  });

  it.each([
    ['PORT', 'abc'],
    ['PORT', '70000'],
    ['PORT', '3000.5'],
    ['EMULATOR_PORT', '-1'],
    ['LINE_API_BASE_URL', 'not a url'],
    ['LINE_API_BASE_URL', 'ftp://127.0.0.1/'],
    ['MONGODB_URI', 'localhost:27017/hub'],
    ['MONGODB_URI', 'postgres://localhost/hub'],
    ['COMMAND_CENTRE_GROUP_ID', 'U0123456789abcdef0123456789abcdef'],
    ['COMMAND_CENTRE_GROUP_ID', 'C123'],
    ['LOG_LEVEL', 'verbose'],
    ['PUBLIC_BASE_URL', 'hub.example.go.th'],
    ['GOOGLE_MAPS_BASE_URL', 'maps'],
    ['ADMIN_SESSION_HOURS', '0'],
    ['ADMIN_SESSION_HOURS', 'a day'],
    ['OPEN311_CATEGORIES', 'theft, noise'],
  ])('when %s is %j, then boot fails with a ConfigError naming it', (variable, value) => {
    const err = configError({ [variable]: value });

    expect(err.variable).toBe(variable);
    expect(err.message).toContain(variable);
    // One line: the entry point prints it as is, so it must read well on a terminal.
    expect(err.message).not.toContain('\n');
  });

  it('when a malformed variable holds a secret, then the error does not repeat its value', () => {
    // The line goes to stderr and on into log collectors; a mistyped connection string carries a password.
    const err = configError({ MONGODB_URI: 'mongodb:/hub:s3cret-password@cluster0.example.net/hub' });

    expect(err.variable).toBe('MONGODB_URI');
    expect(err.message).not.toContain('s3cret-password');
  });

  it('when several variables are malformed, then the error names one of them (one line, fix and retry)', () => {
    const err = configError({ PORT: 'abc', LOG_LEVEL: 'verbose' });

    expect(['PORT', 'LOG_LEVEL']).toContain(err.variable);
    expect(err.message).not.toContain('\n');
  });

  it('when a well-formed COMMAND_CENTRE_GROUP_ID and MONGODB_URI are set, then they are kept', () => {
    const group = 'C' + '0123456789abcdef'.repeat(2);
    const config = loadConfig({
      COMMAND_CENTRE_GROUP_ID: group,
      MONGODB_URI: 'mongodb+srv://hub:pw@cluster0.example.net/hub',
    });

    expect(config.commandCentreGroupId).toBe(group);
    expect(config.mongodbUri).toBe('mongodb+srv://hub:pw@cluster0.example.net/hub');
  });
});

describe('the instance name', () => {
  it('when INSTANCE_ID is set, then it names this instance; unset, the host name does; malformed, boot fails naming it', () => {
    expect(loadConfig({ INSTANCE_ID: 'hub-7f9c4-2' }).instanceId).toBe('hub-7f9c4-2');
    expect(loadConfig({}).instanceId).toBe(os.hostname());
    expect(configError({ INSTANCE_ID: 'hub a' }).message).toMatch(/^config: INSTANCE_ID is malformed/);
  });
});

describe('admin sessions and Open311', () => {
  it('when nothing is set, then sessions last 12 hours and Open311 serves every category but assault and drugs', () => {
    const config = loadConfig({});
    expect(config.adminSessionHours).toBe(12);
    expect(config.open311Categories).toEqual(['theft', 'suspicious', 'accident', 'noise', 'infrastructure', 'other']);
  });

  it('when they are set, then sessions last that long and Open311 serves those categories, or none', () => {
    expect(loadConfig({ ADMIN_SESSION_HOURS: '8', OPEN311_CATEGORIES: 'infrastructure,noise' })).toEqual(
      expect.objectContaining({ adminSessionHours: 8, open311Categories: ['infrastructure', 'noise'] }),
    );
    expect(loadConfig({ OPEN311_CATEGORIES: 'none' }).open311Categories).toEqual([]);
  });
});

describe('the hub entry point with a malformed environment', () => {
  it('when PORT=abc, then `tsx src/server.ts` exits non-zero within seconds, printing one stderr line that names PORT', async () => {
    // The child gets a clean environment apart from what it needs to run (spawnHub).
    const { child, output } = spawnHub({ PORT: 'abc', NODE_ENV: 'production' });

    const code = await new Promise<number | string>((resolve) => {
      // If the hub did boot, it would listen forever: stop it and fail, rather than hang the suite.
      const timer = setTimeout(() => {
        child.kill('SIGKILL');
        resolve('timed out');
      }, 10_000);
      child.on('exit', (exitCode, signal) => {
        clearTimeout(timer);
        resolve(exitCode ?? String(signal));
      });
    });

    expect(code).not.toBe('timed out');
    expect(code).not.toBe(0);
    const lines = output.stderr.split('\n').filter((l) => l.trim() !== '');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain('PORT');
    expect(lines[0]).toMatch(/^config: PORT /);
    expect(output.stdout).toBe('');
  }, 15_000);
});
