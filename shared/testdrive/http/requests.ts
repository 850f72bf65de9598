/**
 * The storefront's test drive request (`POST /api/storefront/testdrives`): the offer, an optional preferred region,
 * the storefront (AzureMarketplace by default), the customer's details (the lead's UserDetails, each optional,
 * L2931–L2944) and their consent to share them (L3163). A strict schema: unknown fields are 400.
 */
import type { HttpRequest } from '@azure/functions';
import { z } from 'zod';
import { readJson } from '../../http/request';
import type { DriveRequest } from '../service/request-drive';

export const MAX_TESTDRIVE_BODY_BYTES = 16 * 1024;

const text = (max: number) => z.string().trim().max(max).optional();

const schema = z.strictObject({
  publisherId: z.string().regex(/^[a-z0-9_-]{1,50}$/i, 'must be a publisher id'),
  offerId: z.string().regex(/^[a-z0-9_-]{1,50}$/, 'must be an offer id'),
  preferredRegion: z.string().min(1).max(50).optional(),
  storefront: z.enum(['AzureMarketplace', 'AppSource']).default('AzureMarketplace'),
  UserDetails: z
    .strictObject({
      FirstName: text(50),
      LastName: text(50),
      Email: z.email('must be an email address').max(100).optional(),
      Phone: text(40),
      Country: z.string().regex(/^[A-Za-z]{2}$/, 'must be a two-letter country code').optional(),
      Company: text(100),
      Title: text(100),
    })
    .default({}),
  Consent: z.strictObject({
    Given: z.literal(true, 'must be true: the customer agrees to share their details with the publisher'),
    At: z.iso.datetime({ offset: true, message: 'must be a date-time' }),
  }),
});

export async function readDriveRequest(request: HttpRequest): Promise<DriveRequest> {
  const body = await readJson(request, schema, MAX_TESTDRIVE_BODY_BYTES);
  const u = body.UserDetails;
  return {
    publisherId: body.publisherId.toLowerCase(),
    offerId: body.offerId,
    ...(body.preferredRegion ? { preferredRegion: body.preferredRegion } : {}),
    storefront: body.storefront,
    userDetails: {
      FirstName: u.FirstName ?? '',
      LastName: u.LastName ?? '',
      Email: u.Email ?? '',
      Phone: u.Phone ?? '',
      Country: (u.Country ?? '').toUpperCase(),
      Company: u.Company ?? '',
      Title: u.Title ?? '',
    },
    consentAt: new Date(Date.parse(body.Consent.At)).toISOString(),
  };
}
