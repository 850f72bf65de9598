/**
 * The one composition root: settings, clock, storage clients, keys, token validation and stores are built once,
 * lazily, on first use, and shared by every function in the process. Tests build their own with fakes.
 */
import { AdjustableClock } from './clock';
import { ClockStore } from './admin/clock-store';
import { config, type Config } from './config';
import { LocalKeyStore } from './auth/keys';
import { createAuthenticator, type Authenticator } from './auth/principal';
import { TablePublisherRegistry, type PublisherRegistry } from './auth/publishers';
import { createTokenValidator, type TokenValidator } from './auth/tokens';
import { crashAt, noFaults, type Faults } from './faults';
import { createStorage, type Storage } from './storage/clients';

export interface Services {
  config: Config;
  clock: AdjustableClock;
  clockStore: ClockStore;
  storage: Storage;
  keys: LocalKeyStore;
  validator: TokenValidator;
  publishers: PublisherRegistry;
  authenticator: Authenticator;
  faults: Faults;
}

/** The process-wide clock exists before the rest, so the local host can drive timers with it. */
let sharedClock: AdjustableClock | undefined;

export function appClock(): AdjustableClock {
  sharedClock ??= new AdjustableClock({ adjustable: config().testClock });
  return sharedClock;
}

let built: Services | undefined;

export function services(): Services {
  if (built) return built;
  const cfg = config();
  const clock = appClock();
  const storage = createStorage(cfg.storage);
  const keys = new LocalKeyStore(cfg.auth.localIssuerKeyFile);
  const validator = createTokenValidator(cfg.auth, clock, keys);
  const publishers = new TablePublisherRegistry(() => storage.table('Publishers'));
  built = {
    config: cfg,
    clock,
    clockStore: new ClockStore(() => storage.table('Settings')),
    faults: cfg.crashAt.length > 0 ? crashAt(cfg.crashAt) : noFaults,
    storage,
    keys,
    validator,
    publishers,
    authenticator: createAuthenticator({
      validator,
      registry: publishers,
      operatorRole: cfg.auth.operatorRole,
      localMode: cfg.auth.mode === 'local',
      clock,
    }),
  };
  return built;
}
