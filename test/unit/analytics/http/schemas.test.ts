import { describe, expect, it } from 'vitest';
import { camelFields, createReportBody, updateReportBody } from '../../../../shared/analytics/http/schemas';

describe('report bodies as the use cases take them', () => {
  it('names every field sent in camelCase, with its value, and leaves out what was not sent', () => {
    const body = createReportBody.parse({
      ReportName: 'Usage',
      QueryId: 'q1',
      RecurrenceInterval: 48,
      RecurrenceCount: null,
      Format: 'csv',
      ExecuteNow: false,
    });
    expect(camelFields(body)).toEqual({ reportName: 'Usage', queryId: 'q1', recurrenceInterval: 48, recurrenceCount: null, format: body.Format, executeNow: false });
  });

  it('gives an update that sent nothing no fields at all (nothing is changed)', () => {
    expect(camelFields(updateReportBody.parse({}))).toEqual({});
  });
});
