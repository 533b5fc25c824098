// Worker thread that parses trace files off the extension host's event loop (issue 7).
export {};
