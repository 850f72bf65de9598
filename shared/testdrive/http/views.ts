/**
 * The documented JSON of test drives. The customer's view shows the access information, the sign-in (user name
 * and password) and the template outputs only while the drive is Active (spec 2.3 step 6, 3.3); the operators'
 * views never show a password or outputs.
 */
import type { Drive, Instance } from '../model';
import { estimatedWaitMinutes } from '../rules/lifetime';

export const drivePath = (driveId: string) => `/api/storefront/testdrives/${driveId}`;

export function customerDriveView(drive: Drive, instance: Instance | undefined, texts: { description: string; accessInformation: string }) {
  const active = drive.state === 'Active' && instance !== undefined;
  return {
    id: drive.driveId,
    publisherId: drive.publisherId,
    offerId: drive.offerId,
    state: drive.state,
    tier: drive.tier,
    region: drive.region,
    durationHours: drive.durationHours,
    requestedAt: drive.requestedAt,
    ...(drive.activeAt ? { activeAt: drive.activeAt } : {}),
    ...(drive.expiresAt ? { expiresAt: drive.expiresAt } : {}),
    ...(drive.endedAt ? { endedAt: drive.endedAt, endReason: drive.endReason } : {}),
    ...(drive.state === 'Provisioning' || drive.state === 'Starting'
      ? { estimatedWaitMinutes: estimatedWaitMinutes(drive.tier), description: texts.description }
      : {}),
    ...(active
      ? {
          accessInformation: texts.accessInformation,
          access: { username: instance.username, password: instance.password, sessionId: instance.sessionId },
          outputs: instance.outputs ?? {},
        }
      : {}),
  };
}

export function adminInstanceView(i: Instance) {
  return {
    instanceId: i.instanceId,
    version: i.version,
    region: i.region,
    purpose: i.purpose,
    state: i.state,
    driveId: i.driveId || null,
    resourceGroup: i.resourceGroup,
    createdAt: i.createdAt,
    stateAt: i.stateAt,
    attempts: i.attempts,
    ...(i.retryAt ? { retryAt: i.retryAt } : {}),
    ...(i.lastError ? { lastError: i.lastError } : {}),
  };
}

export function adminDriveView(d: Drive) {
  return {
    id: d.driveId,
    state: d.state,
    tier: d.tier,
    region: d.region,
    instanceId: d.instanceId,
    customer: { tenantId: d.customer.tenantId, objectId: d.customer.objectId },
    requestedAt: d.requestedAt,
    ...(d.activeAt ? { activeAt: d.activeAt, expiresAt: d.expiresAt } : {}),
    ...(d.endedAt ? { endedAt: d.endedAt, endReason: d.endReason } : {}),
    leadId: d.leadId ?? null,
  };
}
