/**
 * A drive's lead through the leads capability (spec 2.7; decision 0500): trigger `TestDrive` (action
 * StartTestDrive), the storefront the customer came from, their details and consent. The drive id is the capture's
 * Idempotency-Key, so a retried capture (a retried request, the cleanup after a crash) answers the first lead.
 */
import type { CaptureLead } from '../../leads/service/capture';
import type { Drive, UserDetails } from '../model';
import type { DriveLeads } from '../ports';

export class CapturedDriveLeads implements DriveLeads {
  readonly #capture: () => CaptureLead;

  constructor(capture: () => CaptureLead) {
    this.#capture = capture;
  }

  async capture(drive: Drive, details: { userDetails: UserDetails; description: string }): Promise<string> {
    const body = { driveId: drive.driveId };
    const outcome = await this.#capture().capture({
      publisherId: drive.publisherId,
      offerId: drive.offerId,
      trigger: 'TestDrive',
      storefront: drive.storefront,
      userDetails: { ...details.userDetails },
      description: details.description,
      consent: { Given: true, At: drive.consentAt },
      idempotencyKey: `testdrive-${drive.driveId}`,
      body,
    });
    return outcome.kind === 'created' ? outcome.lead.leadId : outcome.leadId;
  }
}
