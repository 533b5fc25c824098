// Summary webview entry (browser bundle).
export {};
