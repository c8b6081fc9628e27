// Types for report.mjs.
export function readReport(file: string): unknown;
export function summaryText(report: unknown, o?: { runSeconds?: number; suiteInfo?: string }): string;
export function failureCauses(logText: string): Map<string, string[]>;
