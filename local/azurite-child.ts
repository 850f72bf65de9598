/**
 * Runs Azurite inside a child process that exits when its parent goes away (even after SIGKILL), so an
 * embedded Azurite is never left holding its ports and data folder. Arguments are Azurite's own.
 */
process.on('disconnect', () => process.exit(0));
process.argv = [process.argv[0] as string, 'azurite', ...process.argv.slice(2)];
// eslint-disable-next-line @typescript-eslint/no-require-imports
require('azurite/dist/src/azurite.js');
