import type { Org } from '../core/org.js';
import { loadOrgConfig, OrgConfigError } from './load-org.js';

/** The slice of a pino logger the holder uses. */
export interface OrgHolderLog {
  info(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

export type ReloadResult = { ok: true } | { ok: false; error: OrgConfigError };

/**
 * Holds the current Org and swaps it on reload. The first load happens in the constructor and
 * throws OrgConfigError (the process should not start on a broken config); a later reload that
 * fails keeps the config already in use and reports why.
 */
export class OrgHolder {
  private org: Org;

  constructor(readonly file: string, private readonly log?: OrgHolderLog) {
    this.org = loadOrgConfig(file);
  }

  get current(): Org {
    return this.org;
  }

  reload(): ReloadResult {
    try {
      const next = loadOrgConfig(this.file);
      this.org = next;
      this.log?.info({ file: this.file, people: next.allPeople().length, units: next.allUnits().length, types: next.catalog.length }, 'org config reloaded');
      return { ok: true };
    } catch (err) {
      const error = err instanceof OrgConfigError
        ? err
        : new OrgConfigError(this.file, [{ path: '(file)', message: err instanceof Error ? err.message : String(err) }]);
      this.log?.error({ file: this.file, issues: error.issues }, 'org config reload failed; keeping the previous config');
      return { ok: false, error };
    }
  }

  /** Reloads on SIGHUP (`kill -HUP <pid>`). Returns a function that stops listening. */
  watchSignals(): () => void {
    const onHup = () => {
      this.reload();
    };
    process.on('SIGHUP', onHup);
    return () => {
      process.off('SIGHUP', onHup);
    };
  }
}
