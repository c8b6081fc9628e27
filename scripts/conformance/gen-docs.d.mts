// Types for gen-docs.mjs (imported by test/golden/conformance-docs.spec.ts).
export declare const DOC: string;
export declare function renderDocs(): string;
export declare function renderReadmeTable(): string;
export declare function readmeWithTable(readme: string, table?: string): string;
export declare function generateDocs(): void;
