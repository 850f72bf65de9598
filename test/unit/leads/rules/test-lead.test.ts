import { describe, expect, it } from 'vitest';
import { dotNetTicks, testLead } from '../../../../shared/leads/rules/test-lead';

describe('dotNetTicks', () => {
  it('counts 100 ns ticks since 0001-01-01, exactly', () => {
    expect(dotNetTicks(0)).toBe('621355968000000000');
    expect(dotNetTicks(Date.UTC(2018, 2, 30, 12, 34, 43, 131))).toBe('636580100831310000');
    expect(dotNetTicks(1_735_732_800_123)).toBe('638713296001230000');
    expect(dotNetTicks(1_735_732_800_123)).toMatch(/^\d{18}$/);
  });
});

describe('testLead', () => {
  it('is the spec 1.6 test lead: MSFT_TEST_<18-digit ticks> everywhere, AzureMarketplace-INS, isTest', () => {
    const now = new Date(1_735_732_800_123);
    const marker = 'MSFT_TEST_638713296001230000';
    expect(
      testLead({ leadId: '01JGG8YQ8V0000000000000000', publisherId: 'contoso', offerId: 'contoso-app', offerTitle: 'Contoso App', now }),
    ).toEqual({
      leadId: '01JGG8YQ8V0000000000000000',
      createdAt: '2025-01-01T12:00:00.123Z',
      isTest: true,
      trigger: 'GetItNow',
      storefront: 'AzureMarketplace',
      source: 'AzureMarketplace',
      action: 'INS',
      kind: 'active',
      publisherId: 'contoso',
      offerId: 'contoso-app',
      offerTitle: 'Contoso App',
      leadSource: 'AzureMarketplace-INS|contoso.contoso-app',
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
      consent: { given: true, at: '2025-01-01T12:00:00.123Z' },
    });
  });
});
