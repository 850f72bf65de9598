#!/usr/bin/env node
// azd preprovision hook: makes sure the azd environment has SECRETS_KEY, the base64 32-byte key that seals catalog
// and lead-target secrets at rest (decision 0016). It is generated once per environment and then kept: provisioning
// again writes the same value to Key Vault, so secrets sealed earlier stay readable. It also checks
// ENTRA_APP_CLIENT_ID, so `azd up` stops before creating anything when the caller-validating app is not named.
// Runs under Node (the same Node the build needs), so the hook is the same on Linux, macOS and Windows.
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function azdValue(name) {
  try {
    return execFileSync('azd', ['env', 'get-value', name], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return '';
  }
}

const clientId = process.env['ENTRA_APP_CLIENT_ID'] || azdValue('ENTRA_APP_CLIENT_ID');
if (!GUID.test(clientId)) {
  console.error('ENTRA_APP_CLIENT_ID is not set to an application (client) ID: azd env set ENTRA_APP_CLIENT_ID <guid> (README, Deploy to Azure, step 2)');
  process.exit(1);
}

const existing = process.env['SECRETS_KEY'] || azdValue('SECRETS_KEY');
if (existing) {
  if (Buffer.from(existing, 'base64').length !== 32) {
    console.error('SECRETS_KEY in this azd environment is not a base64 32-byte key; fix it (it seals the secrets already stored) or, for a new environment, unset it.');
    process.exit(1);
  }
  console.log('SECRETS_KEY: kept (already in this azd environment)');
} else {
  execFileSync('azd', ['env', 'set', 'SECRETS_KEY', randomBytes(32).toString('base64')], { stdio: 'inherit' });
  console.log('SECRETS_KEY: generated for this azd environment (stored in Key Vault by the provisioning)');
}
