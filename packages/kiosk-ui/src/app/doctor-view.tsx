/**
 * /reception, under a finished result: "what the doctor can see now" — the patient's 薬剤情報 and 特定健診情報 at
 * this facility, each only while the patient's consent holds (else the reason). Asked from the server
 * (POST /api/v1/medical-info) when the result is shown, and again on request.
 */
import { useEffect, useState } from "preact/hooks";
import type { QualificationSummary } from "@onshi-sim/agent/protocol";
import type { MedicalInfoResponse } from "@onshi-sim/server/protocol";
import { MEDICAL_INFO as W, medicalInfoRefusal } from "@onshi-sim/texts";

type Insured = NonNullable<QualificationSummary["insured"]>;

export function DoctorView({ insured, facility }: { insured: Insured; facility: string }) {
  const [info, setInfo] = useState<MedicalInfoResponse | "loading" | "failed">("loading");
  const load = async () => {
    setInfo("loading");
    try {
      const res = await fetch("/api/v1/medical-info", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({
          medicalInstitutionCode: facility,
          insurerNumber: insured.insurerNumber,
          ...(insured.insuredCardSymbol ? { insuredCardSymbol: insured.insuredCardSymbol } : {}),
          insuredIdentificationNumber: insured.insuredIdentificationNumber,
          ...(insured.insuredBranchNumber ? { insuredBranchNumber: insured.insuredBranchNumber } : {}),
        }),
      });
      setInfo(res.ok ? ((await res.json()) as MedicalInfoResponse) : "failed");
    } catch {
      setInfo("failed");
    }
  };
  useEffect(() => {
    void load();
  }, [insured.insurerNumber, insured.insuredIdentificationNumber, insured.insuredBranchNumber]);

  if (info === "loading") return <p class="doctor-view">{W.loading.ja}</p>;
  if (info === "failed") return <p class="doctor-view">{W.unreachable.ja}</p>;
  const drugs = info.pharmacists;
  const checkups = info.specificHealthCheckups;
  return (
    <section class="doctor-view" data-field="doctor-view">
      <h4>
        {W.title.ja}{" "}
        <button type="button" onClick={() => void load()}>
          ↻
        </button>
      </h4>
      <h5>{W.drugs.ja}</h5>
      <div data-field="drugs">
        {!drugs.available ? (
          <p data-code={drugs.code}>{medicalInfoRefusal(drugs.code).ja}</p>
        ) : drugs.dispensings.length === 0 ? (
          <p>{W.none.ja}</p>
        ) : (
          drugs.dispensings.map((d) => (
            <div key={`${d.date}-${d.institution}`}>
              <strong>
                {d.institution}
                {d.pharmacy ? ` ／ ${d.pharmacy}` : ""}
              </strong>{" "}
              {W.dispensed(d.date).ja}
              <ul>
                {d.drugs.map((x) => (
                  <li key={x.name}>
                    {x.name} {x.quantity}
                    {x.unit} {x.usage} {W.days(x.days).ja}
                    {x.note ? ` ${x.note}` : ""}
                  </li>
                ))}
              </ul>
            </div>
          ))
        )}
      </div>
      <h5>{W.checkups.ja}</h5>
      <div data-field="checkups">
        {!checkups.available ? (
          <p data-code={checkups.code}>{medicalInfoRefusal(checkups.code).ja}</p>
        ) : checkups.checkups.length === 0 ? (
          <p>{W.none.ja}</p>
        ) : (
          checkups.checkups.map((c) => (
            <div key={c.date}>
              {W.checkupDate(c.date).ja}
              <ul>
                {c.items.map((i) => (
                  <li key={i.name}>
                    {i.name} {i.value}
                    {i.unit ? ` ${i.unit}` : ""}
                  </li>
                ))}
              </ul>
            </div>
          ))
        )}
      </div>
    </section>
  );
}
