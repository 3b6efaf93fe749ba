/**
 * Every code this mock answers with, in one table. The real ProcessingResultCode list is not public
 * (docs/domain.md §3), so these are onshi-sim's own; server/RESULT-CODES.md documents the same table and a test
 * keeps the two in step.
 *
 * - notice: ProcessingResultStatus 1 with ProcessingResultCode/Message (the lookup succeeded; show the message).
 * - refusal: ProcessingResultStatus 2 with ProcessingResultCode/Message (the request was understood and refused).
 * - fault: SegmentOfResult 9 with ErrorCode/ErrorMessage (異常終了: maintenance, injected fault, unreadable request).
 * - http: JSON error bodies of non-lookup endpoints and bad requests ({ error: { code, message, issues? } }).
 */
export type ResultCodeKind = "notice" | "refusal" | "fault" | "http";

export interface ResultCodeEntry {
  readonly kind: ResultCodeKind;
  /** HTTP status the JSON API answers with (lookups answer 200 for notices and refusals: the result carries them). */
  readonly httpStatus: number;
  readonly message: string;
  readonly description: string;
}

export const RESULT_CODES = {
  // Notices on a usable result
  N101: { kind: "notice", httpStatus: 200, message: "利用者証明用電子証明書の有効期限が近づいています（3か月以内）。市区町村窓口で更新してください。", description: "Certificate expires within 3 months of the simulation date." },
  N102: { kind: "notice", httpStatus: 200, message: "利用者証明用電子証明書の有効期限が切れています。有効期限の3か月後の月末まではマイナ保険証として利用できます。", description: "Certificate expired, inside the grace period (until the end of the 3rd month after the expiry month)." },
  N103: { kind: "notice", httpStatus: 200, message: "マイナンバーカードの有効期限が近づいています（3か月以内）。", description: "Card expires within 3 months of the simulation date." },
  N104: { kind: "notice", httpStatus: 200, message: "マイナンバーカードの有効期限が切れています。有効期限の3か月後の月末まではマイナ保険証として利用できます。", description: "Card expired, inside the grace period." },
  N201: { kind: "notice", httpStatus: 200, message: "健康保険証（経過措置）で確認しました。記載の有効期限（最長 令和7年12月1日）まで利用できます。", description: "Legacy 健康保険証 presented on or after 2024-12-02, within its printed expiry (at most 2025-12-01)." },
  N202: { kind: "notice", httpStatus: 200, message: "暫定的な取扱い（令和8年3月31日まで）：オンライン資格確認で資格を確認しました。", description: "Interim rule: expired legacy card or お知らせ alone, accepted after the online lookup (2025-12-02 to 2026-03-31)." },
  N203: { kind: "notice", httpStatus: 200, message: "資格情報のお知らせ（またはマイナポータルの資格情報画面）とマイナンバーカードで確認しました。", description: "お知らせ / マイナポータル screen + card accepted because the card could not be read online." },

  // Refusals: nonce
  E101: { kind: "refusal", httpStatus: 200, message: "認証要求が無効です（ノンスが存在しません）。最初からやり直してください。", description: "Nonce unknown (never issued, or purged long after expiry)." },
  E102: { kind: "refusal", httpStatus: 200, message: "認証要求の有効期限が切れました。最初からやり直してください。", description: "Nonce expired (default TTL 60 s)." },
  E103: { kind: "refusal", httpStatus: 200, message: "認証要求は使用済みです（再送は受け付けません）。", description: "Nonce already used: replay refused. A nonce is consumed by its first use whatever the outcome." },
  E104: { kind: "refusal", httpStatus: 200, message: "認証要求は別の医療機関向けに発行されています。", description: "Nonce issued for another MedicalInstitutionCode." },
  // Refusals: certificate and signature
  E110: { kind: "refusal", httpStatus: 200, message: "電子証明書を読み取れません。", description: "Certificate is not a parseable X.509 DER." },
  E111: { kind: "refusal", httpStatus: 200, message: "電子署名の検証に失敗しました。", description: "PIN path: the card's signature over the nonce does not verify with the certificate's key." },
  E112: { kind: "refusal", httpStatus: 200, message: "電子証明書の発行元を確認できません。", description: "Certificate does not chain to the JPKI test CA." },
  E113: { kind: "refusal", httpStatus: 200, message: "電子証明書の有効期間の開始前です。", description: "Simulation date is before the certificate's notBefore." },
  E114: { kind: "refusal", httpStatus: 200, message: "電子証明書の有効期限が切れています（猶予期間を過ぎました）。市区町村窓口で更新してください。", description: "Certificate expired and the grace period (end of the 3rd month after expiry) is over." },
  E115: { kind: "refusal", httpStatus: 200, message: "このマイナンバーカードは一時利用停止中です。", description: "Certificate suspended (紛失届: 一時利用停止)." },
  E116: { kind: "refusal", httpStatus: 200, message: "このマイナンバーカードの電子証明書は失効しています。", description: "Certificate revoked." },
  E117: { kind: "refusal", httpStatus: 200, message: "マイナンバーカードの有効期限が切れています（猶予期間を過ぎました）。", description: "Card expired and the grace period is over." },
  // Refusals: reader device (特定機関認証 stand-in)
  E121: { kind: "refusal", httpStatus: 200, message: "登録されていない読取端末です。", description: "Face/目視: deviceId not registered." },
  E122: { kind: "refusal", httpStatus: 200, message: "この読取端末の登録は無効です。", description: "Face/目視: device revoked." },
  E123: { kind: "refusal", httpStatus: 200, message: "読取端末の認証に失敗しました。", description: "Face/目視: device attestation signature does not verify." },
  E124: { kind: "refusal", httpStatus: 200, message: "この読取端末は別の医療機関に登録されています。", description: "Face/目視: device bound to another MedicalInstitutionCode." },
  // Refusals: registration for insurance use
  E131: { kind: "refusal", httpStatus: 200, message: "マイナンバーカードの健康保険証利用登録がされていません。カードリーダーで利用登録ができます。", description: "Certificate not linked for insurance use; POST /api/v1/registrations creates the link." },
  E132: { kind: "refusal", httpStatus: 409, message: "既に健康保険証利用登録がされています。", description: "Registration: the certificate is already registered." },
  E133: { kind: "refusal", httpStatus: 200, message: "利用者を特定できません。", description: "Certificate chains to the CA but its serial is unknown to the simulator (no person)." },
  // Refusals: documents presented on the insurance-number path
  E201: { kind: "refusal", httpStatus: 200, message: "提示された資格確認書または健康保険証の有効期限が切れています。", description: "資格確認書 past its valid-until date, or legacy card past its printed expiry (outside the interim rule)." },
  E202: { kind: "refusal", httpStatus: 200, message: "健康保険証の経過措置期間は終了しました（令和7年12月1日まで）。", description: "Legacy card presented after 2025-12-01 and after the interim rule (2026-03-31)." },
  E203: { kind: "refusal", httpStatus: 200, message: "資格情報のお知らせのみでは受診できません。マイナ保険証とともに提示してください。", description: "お知らせ alone, outside the interim rule." },
  E204: { kind: "refusal", httpStatus: 200, message: "資格情報のお知らせ・マイナポータル画面は、マイナ保険証をオンラインで読み取れない場合に限りカードとともに使えます。", description: "お知らせ / マイナポータル + card without a reason the card cannot be read online (cardReadFailure)." },
  E205: { kind: "refusal", httpStatus: 200, message: "提示された書類の発行記録がありません。", description: "No such document issued for this qualification (e.g. 資格確認書 for a マイナ保険証 holder)." },
  E206: { kind: "refusal", httpStatus: 200, message: "提示された書類は紛失・返却の届出がされています。", description: "Document reported lost or returned." },
  E207: { kind: "refusal", httpStatus: 200, message: "資格情報のお知らせの有効期限が切れています。新しいお知らせ（負担割合）を確認してください。", description: "70–74: the 資格情報のお知らせ shown is past its expiry (the 負担割合 period it states ended)." },
  // Refusals: 照会番号 and 薬剤・特定健診情報 (the レセコン interfaces)
  E411: { kind: "refusal", httpStatus: 200, message: "利用者を特定できません（該当する被保険者がいません）。", description: "照会番号 registration, 薬剤・特定健診情報: no insured person has that insurer number, 記号, 番号 and 枝番." },
  E412: { kind: "refusal", httpStatus: 200, message: "複数の被保険者が該当します。枝番を指定してください。", description: "照会番号 registration, 薬剤・特定健診情報: the insurance numbers given match more than one person (a family without 枝番)." },
  E501: { kind: "refusal", httpStatus: 200, message: "本人の同意がないため閲覧できません。", description: "薬剤・特定健診情報: no consent for that item at this facility (ConsFlg not 1, or never asked)." },
  E502: { kind: "refusal", httpStatus: 200, message: "本人の同意の有効期限が切れているため閲覧できません。", description: "薬剤・特定健診情報: the consent's AvailableTime (ConsTime + 24 h) has passed on the simulation clock." },
  E503: { kind: "refusal", httpStatus: 200, message: "電子証明書の有効期限切れ後の猶予期間中のため、資格情報のみ提供されます。", description: "薬剤・特定健診情報: the patient's latest card confirmation here was in the certificate's grace period (N102): only the qualification is provided." },
  // Kiosk session and consent (JSON errors)
  E301: { kind: "http", httpStatus: 404, message: "確認IDが存在しないか、有効期限が切れています。", description: "confirmationId unknown or older than the session TTL (default 30 min)." },
  E302: { kind: "http", httpStatus: 409, message: "このセッションは完了済みです。", description: "sessions/complete called twice for one confirmation." },
  E303: { kind: "http", httpStatus: 400, message: "この同意フローでは提示しない同意項目です。", description: "since-2024-10-07 has no 限度額 consent (provided by law); before-2024-10-07 has no 包括同意." },
  E304: { kind: "http", httpStatus: 409, message: "有効な資格が確認できていないため同意を記録できません。", description: "Consent or completion for a confirmation that was not usable (not validity 1 with one result)." },

  // Faults: SegmentOfResult 9
  S901: { kind: "fault", httpStatus: 503, message: "オンライン資格確認等システムはメンテナンス中です。", description: "Injected maintenance (HTTP 503 on the JSON API; a SegmentOfResult 9 result file on the folder interface)." },
  S902: { kind: "fault", httpStatus: 200, message: "オンライン資格確認等システムで障害が発生しました。", description: "Injected SegmentOfResult 9 fault." },
  S903: { kind: "fault", httpStatus: 400, message: "要求電文の形式が不正です。", description: "XML request not well-formed, has a DOCTYPE, uses an entity other than XML's five, nests deeper than 32 elements, or has no XmlMsg root." },
  S904: { kind: "fault", httpStatus: 400, message: "要求電文の項目が不正です。", description: "XML request well-formed but an element is missing, unknown or invalid (path and reason in ErrorMessage)." },
  S905: { kind: "fault", httpStatus: 400, message: "要求電文の文字コードを判別できません。", description: "Bytes are neither UTF-8 nor Shift_JIS as declared, or CharacterCodeIdentifier is not 0/1." },
  S906: { kind: "fault", httpStatus: 200, message: "処理がタイムアウトしました。", description: "Injected timeout on the folder interface (the HTTP API holds the connection instead)." },
  S911: { kind: "fault", httpStatus: 200, message: "一括照会の対象者が指定されていません。", description: "一括照会 / 一括照会番号登録: the 01 request lists nobody." },
  S912: { kind: "fault", httpStatus: 200, message: "一括照会の対象者数が上限を超えています。", description: "一括照会 / 一括照会番号登録: more people in one 01 request than the limit (default 100; ONSHI_SIM_BULK_MAX_PERSONS)." },
  S913: { kind: "fault", httpStatus: 200, message: "指定された受付番号は存在しません。", description: "02 request: no ReceptionNumber like that for this MedicalInstitutionCode (unknown, or another facility's: both answer the same)." },
  S999: { kind: "fault", httpStatus: 500, message: "内部エラーが発生しました。", description: "Unexpected server error (a bug: please report)." },

  // JSON errors of the HTTP layer
  R001: { kind: "http", httpStatus: 400, message: "Malformed JSON body.", description: "Body is not valid JSON, or nests deeper than 32 objects/arrays." },
  R002: { kind: "http", httpStatus: 400, message: "Request failed validation.", description: "Schema validation failed: issues[] lists path and reason (strict schemas: unknown fields fail)." },
  R003: { kind: "http", httpStatus: 413, message: "Request body too large.", description: "Body over the limit (64 KB)." },
  R004: { kind: "http", httpStatus: 415, message: "Unsupported Content-Type.", description: "JSON endpoints need application/json; the XML endpoint application/xml or text/xml." },
  R005: { kind: "http", httpStatus: 400, message: "A 12-digit number that looks like a マイナンバー was sent; it is never accepted.", description: "Any request field or key (body or query) whose value is 12 digits is refused before processing: after NFKC, ignoring invisible characters, with spaces or hyphens in any grouping." },
  R006: { kind: "http", httpStatus: 404, message: "No such route.", description: "Unknown route." },
  R007: { kind: "http", httpStatus: 401, message: "Admin token missing or wrong.", description: "Admin endpoints need Authorization: Bearer <token>." },
  R008: { kind: "http", httpStatus: 404, message: "No such resource.", description: "Unknown person, fault, device or certificate serial on an admin endpoint." },
  R009: { kind: "http", httpStatus: 503, message: "Too many outstanding nonces; try again shortly.", description: "Nonce store full (bounded): all facilities together hold 100,000 unused, unexpired nonces. Retry-After says when the oldest expires." },
  R010: { kind: "http", httpStatus: 409, message: "The request conflicts with the current state.", description: "Admin action not applicable (e.g. lose a qualification the person does not have)." },
  R011: { kind: "http", httpStatus: 403, message: "This server does not answer for that Host or Origin.", description: "Host is not 127.0.0.1, localhost, [::1] or an allowed host (ONSHI_SIM_ALLOWED_HOSTS) on the server's port, or the Origin is another site's page (DNS rebinding, cross-site requests)." },
  R012: { kind: "http", httpStatus: 429, message: "Too many outstanding nonces for this facility; use them or let them expire first.", description: "This MedicalInstitutionCode holds its share of unused, unexpired nonces (1,000). Retry-After says when its oldest expires; other facilities are not affected." },
} as const satisfies Record<string, ResultCodeEntry>;

export type ResultCode = keyof typeof RESULT_CODES;
export type NoticeCode = { [K in ResultCode]: (typeof RESULT_CODES)[K]["kind"] extends "notice" ? K : never }[ResultCode];
export type RefusalCode = { [K in ResultCode]: (typeof RESULT_CODES)[K]["kind"] extends "refusal" ? K : never }[ResultCode];
export type FaultCode = { [K in ResultCode]: (typeof RESULT_CODES)[K]["kind"] extends "fault" ? K : never }[ResultCode];

export function resultCode(code: ResultCode): ResultCodeEntry {
  return RESULT_CODES[code];
}
