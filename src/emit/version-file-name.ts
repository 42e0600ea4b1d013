/**
 * The version file's name and format, in a module of their own so that `deploy plan` can look
 * for the file without loading the generator.
 */

/** The version file's name (seed format, extended with every file's checksum and the inputs' hash). */
export const VERSION_FILE = '.dazzle-infra-version.json';
export const VERSION_FILE_FORMAT = 1;
