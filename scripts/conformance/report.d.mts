// Types for report.mjs.
export function readReport(file: string): unknown;
export function summaryText(report: unknown, o?: { runSeconds?: number; suiteInfo?: string }): string;
export function failureCauses(logText: string): Map<string, string[]>;
export interface TestResult {
  result: 'pass' | 'fail' | 'skip' | 'unknown';
  features: string[];
}
export function testResults(logText: string): Record<string, TestResult>;
export function featureVerdicts(results: Record<string, TestResult>): { passing: string[]; failing: Record<string, string[]> };
