/**
 * The test lead Validate (and publish) sends (specs/leads.md 1.6): every text field is `MSFT_TEST_<ticks>`, where
 * ticks are .NET ticks of now (18 digits), so ISVs find it by searching for "MSFT_TEST" in FirstName, LastName and
 * Email of any target; Source AzureMarketplace, action INS, `isTest` true.
 */
import type { Lead } from '../model';

/** .NET ticks (100 ns since 0001-01-01) of a Unix time in ms; exact as a bigint (the number exceeds 2^53). */
export function dotNetTicks(unixMs: number): string {
  return (BigInt(Math.trunc(unixMs)) * 10_000n + 621_355_968_000_000_000n).toString();
}

export const TEST_MARKER = 'MSFT_TEST_';

export function testLead(input: { leadId: string; publisherId: string; offerId: string; offerTitle: string; now: Date }): Lead {
  const marker = `${TEST_MARKER}${dotNetTicks(input.now.getTime())}`;
  const at = input.now.toISOString();
  return {
    leadId: input.leadId,
    createdAt: at,
    isTest: true,
    trigger: 'GetItNow',
    storefront: 'AzureMarketplace',
    source: 'AzureMarketplace',
    action: 'INS',
    kind: 'active',
    publisherId: input.publisherId,
    offerId: input.offerId,
    offerTitle: input.offerTitle,
    leadSource: `AzureMarketplace-INS|${input.publisherId}.${input.offerId}`,
    userDetails: {
      FirstName: marker,
      LastName: marker,
      Email: `${marker}@test.com`,
      Phone: '1234567890',
      Country: 'US',
      Company: marker,
      Title: marker,
    },
    description: marker,
    consent: { given: true, at },
  };
}
