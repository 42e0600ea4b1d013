/** The dazzle version, written into generated files and shown by --version. */
export const VERSION = '0.1.0';
