export declare function decGraphicsToUnicode(ansi: string): string;
export declare function pinToCells(html: string): string;
export declare function captureToHtml(ansi: string, cols: number, rows: number): { html: string; width: number; height: number };
