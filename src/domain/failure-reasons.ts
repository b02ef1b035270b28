/** Why a delivery failed, and how people read it: plain data, so the pages can use it without zod. */
export const failureReasons = ['not_home', 'access', 'refused', 'address_problem', 'damaged', 'other'] as const;
export type FailureReason = (typeof failureReasons)[number];

export const failureReasonText: Record<string, string> = {
  not_home: 'Not home',
  access: 'No access',
  refused: 'Refused',
  address_problem: 'Address problem',
  damaged: 'Damaged',
  other: 'Other',
};

/** "not_home: Rang twice" (an order's failure reason) → "Not home: Rang twice". */
export function failureText(reason: string | null | undefined): string {
  if (!reason) return '';
  const [code, ...note] = reason.split(': ');
  const text = failureReasonText[code!] ?? code!;
  return note.length ? `${text}: ${note.join(': ')}` : text;
}
