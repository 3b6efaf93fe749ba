/** /reception's rows for 医療費助成 受給者証 (only after 提供する) and 医療扶助 (A1: numbers, 福祉事務所, this month's tickets). */
import type { InsuredSummary } from "@onshi-sim/agent/protocol";
import { BENEFITS_RECEPTION as B } from "@onshi-sim/texts";

export function BenefitRows({ insured }: { insured: InsuredSummary }) {
  const certificates = insured.publicExpenseCertificates ?? [];
  const aid = insured.medicalAssistance ?? null;
  return (
    <>
      {certificates.length > 0 && (
        <tr>
          <th>{B.publicExpense.ja}</th>
          <td data-field="public-expense">
            {certificates.map((c) => (
              <div key={c.publicExpenseNumber + c.recipientNumber}>{B.publicExpenseRow(c.publicExpenseNumber, c.recipientNumber, c.patientShare, c.monthlyCapYen).ja}</div>
            ))}
          </td>
        </tr>
      )}
      {aid && (
        <tr>
          <th>{B.medicalAssistance.ja}</th>
          <td data-field="medical-assistance">
            <div>{B.medicalAssistanceRow(aid.publicExpenseNumber, aid.beneficiaryNumber, aid.welfareOffice).ja}</div>
            <div>{aid.tickets.length === 0 ? B.noTicket.ja : aid.tickets.map((t) => B.ticket(t.ticketType, t.month, t.ownFacility).ja).join("、")}</div>
          </td>
        </tr>
      )}
    </>
  );
}
