import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../src/config';

describe('configuration from the environment', () => {
  it('has working defaults for a fresh clone', () => {
    const config = loadConfig({});
    expect(config.DATABASE_URL).toBeUndefined();
    expect(config.ADMIN_TOKEN).toBeUndefined();
    expect(config).toMatchObject({
      PORT: 3000,
      DATA_DIR: './var',
      LOG_LEVEL: 'info',
      ROUTING: 'embedded',
      OSM_PBF: 'data/osm/heidelberg.osm.pbf',
      SEED_DEMO: true,
    });
  });

  it('reads and coerces what is set; empty strings count as unset', () => {
    const config = loadConfig({ PORT: '8080', DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/lastmile', ADMIN_TOKEN: '', SOLVER_THREADS: '2', SEED_DEMO: 'false' });
    expect(config).toMatchObject({ PORT: 8080, DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/lastmile', ADMIN_TOKEN: undefined, SOLVER_THREADS: 2, SEED_DEMO: false });
  });

  it('reports every bad variable at once', () => {
    try {
      loadConfig({ PORT: 'eighty', DATABASE_URL: 'mysql://db/x', LOG_LEVEL: 'loud', ROUTING: 'teleport', ADMIN_TOKEN: 'short' });
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      const problems = (error as ConfigError).problems.map((problem) => problem.split(':')[0]);
      expect(problems.sort()).toEqual(['ADMIN_TOKEN', 'DATABASE_URL', 'LOG_LEVEL', 'PORT', 'ROUTING']);
      expect((error as ConfigError).message).toContain('DATABASE_URL: must be a postgres:// URL');
    }
  });

  it('reads TRUST_PROXY as express takes it, and CORS_ORIGINS as a list of origins', () => {
    expect(loadConfig({}).TRUST_PROXY).toBe(false);
    expect(loadConfig({}).CORS_ORIGINS).toEqual([]);
    expect(loadConfig({ TRUST_PROXY: 'true' }).TRUST_PROXY).toBe(true);
    expect(loadConfig({ TRUST_PROXY: '2' }).TRUST_PROXY).toBe(2);
    expect(loadConfig({ TRUST_PROXY: 'loopback, 10.0.0.0/8' }).TRUST_PROXY).toEqual(['loopback', '10.0.0.0/8']);
    expect(loadConfig({ CORS_ORIGINS: 'https://app.example, http://localhost:5173/' }).CORS_ORIGINS).toEqual(['https://app.example', 'http://localhost:5173']);
    expect(() => loadConfig({ TRUST_PROXY: 'proxy.example', CORS_ORIGINS: 'https://app.example/path' })).toThrow(/TRUST_PROXY[\s\S]*CORS_ORIGINS|CORS_ORIGINS[\s\S]*TRUST_PROXY/);
  });

  it('holds a plan lease to at least two heartbeats', () => {
    expect(loadConfig({})).toMatchObject({ PLAN_LEASE_SECONDS: 8, PLAN_HEARTBEAT_SECONDS: 1 });
    expect(loadConfig({ PLAN_LEASE_SECONDS: '3', PLAN_HEARTBEAT_SECONDS: '1.5' })).toMatchObject({ PLAN_LEASE_SECONDS: 3, PLAN_HEARTBEAT_SECONDS: 1.5 });
    expect(() => loadConfig({ PLAN_LEASE_SECONDS: '3', PLAN_HEARTBEAT_SECONDS: '2' })).toThrow('PLAN_HEARTBEAT_SECONDS: must be at most half of PLAN_LEASE_SECONDS (3)');
  });

  it('needs OSRM_URL when routing through OSRM', () => {
    expect(() => loadConfig({ ROUTING: 'osrm' })).toThrow('OSRM_URL: required when ROUTING=osrm');
    expect(loadConfig({ ROUTING: 'osrm', OSRM_URL: 'http://127.0.0.1:5000' }).OSRM_URL).toBe('http://127.0.0.1:5000');
  });

  it('reads CLOCK_START as an instant with its offset, and refuses one without', () => {
    expect(loadConfig({}).CLOCK_START).toBeUndefined();
    expect(loadConfig({ CLOCK_START: '2027-03-28T01:30:00+01:00' }).CLOCK_START).toBe('2027-03-28T01:30:00+01:00');
    expect(loadConfig({ CLOCK_START: '2027-03-28T00:30:00.000Z' }).CLOCK_START).toBe('2027-03-28T00:30:00.000Z');
    expect(() => loadConfig({ CLOCK_START: '2027-03-28 01:30' })).toThrow('CLOCK_START: must be an ISO 8601 instant with its offset');
  });
});
