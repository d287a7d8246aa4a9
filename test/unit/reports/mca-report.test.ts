import { customerSummary, mcaReportCsv, MCA_REPORT_COLUMNS } from '../../../shared/reports';
import { customer, iterate } from './fixtures';

const HEADER =
  'tenantId,companyName,country,state,method,purchaseAllowed,purchaseBlocked,acceptedAt,reason,nextReminderAt,remindersSent,updatedAt\r\n';

describe('mcaReportCsv', () => {
  it('is only the header row for no customers', async () => {
    expect(await mcaReportCsv(iterate([]))).toBe(HEADER);
  });

  it('writes one row per customer in column order, nulls as empty cells', async () => {
    const csv = await mcaReportCsv(
      iterate([
        customer(),
        customer({
          tenantId: '99999999-2222-4333-8444-555555555555',
          state: 'Accepted',
          method: 'direct',
          acceptedAt: '2026-03-03T00:00:00.000Z',
          nextReminderAt: null,
          remindersSent: 0,
          purchaseAllowed: true,
          companyName: 'Fabrikam',
          country: 'US',
        }),
      ]),
    );

    expect(csv).toBe(
      HEADER +
        '11111111-2222-4333-8444-555555555555,Contoso,JP,AttestationPending,attestation,false,false,,,' +
        '2026-03-05T09:00:00.000Z,1,2026-03-02T10:00:00.000Z\r\n' +
        '99999999-2222-4333-8444-555555555555,Fabrikam,US,Accepted,direct,true,false,2026-03-03T00:00:00.000Z,,,0,' +
        '2026-03-02T10:00:00.000Z\r\n',
    );
  });

  it('quotes and neutralises company names and reasons', async () => {
    const csv = await mcaReportCsv(
      iterate([customer({ companyName: '=cmd|"/c calc"!A1', reason: 'Partner Center said:\n"no"' })]),
    );

    const row = csv.slice(HEADER.length);
    expect(row).toContain(`,"'=cmd|""/c calc""!A1",`);
    expect(row).toContain(`,"Partner Center said:\n""no""",`);
  });

  it('leaves out fields that are not report columns (attestation id, language, startedAt)', async () => {
    const csv = await mcaReportCsv(iterate([customer()]));

    expect(csv).not.toContain('att-1');
    expect(csv).not.toContain('ja-JP');
    expect(csv).not.toContain('2026-03-02T09:00:00.000Z');
  });
});

describe('customerSummary', () => {
  it('has exactly the report columns', () => {
    expect(Object.keys(customerSummary(customer()))).toEqual([...MCA_REPORT_COLUMNS]);
  });
});
